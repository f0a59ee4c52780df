#!/usr/bin/env bash
# System packages the project needs (Debian/Ubuntu). Installs only what is missing.
#   LibreOffice (headless Writer + Calc): converts DOC/WPS/RTF/ODT to DOCX, and builds test documents.
#   Chinese fonts: so generated PDFs and scans carry real glyphs.
#   Chromium: browser tests of the published site.
#   poppler-utils: pdftoppm, used to look at PDFs as pictures.
#   python3-uno: LibreOffice's Python bridge for the kept conversion worker.
#   redis-server: the shared crawl frontier (`nianbao crawl --redis`); the tests start their own on 127.0.0.1.
set -euo pipefail
need=()
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# python3-uno: the optional kept LibreOffice worker (NIANBAO_LIBREOFFICE=warm); without it, one soffice per file.
dpkg -s python3-uno >/dev/null 2>&1 || need+=(python3-uno)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
# WenQuanYi Zen Hei: the OCR tests draw their scans with it (a known face at a known path)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
