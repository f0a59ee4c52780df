"""A person's path through the site in a real headless Chromium (Debian `chromium`, DevTools protocol).

Types 复议 into the reports table's search box, opens a report page, sees its tables, downloads a CSV and
the Excel file; reads ranked search results with their snippets; opens an organ's page and the rules page.
"""

from __future__ import annotations

import csv
import itertools
import json
import shutil
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from archive.db import fts
from archive.db.own_words import own_words
from support.archive_kit import free_port, make_site, served, wait_http
from support.services import stop_process

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
websocket = pytest.importorskip("websocket")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (scripts/install-system-deps.sh)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,2000"]


class Page:
    """Just enough of the DevTools protocol: send a command, wait for its answer, evaluate JavaScript."""

    def __init__(self, ws_url: str):
        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.ids = itertools.count(1)

    def send(self, method: str, **params):
        mid = next(self.ids)
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"])
        return result["result"].get("value")

    def wait(self, expression: str, timeout: float = 20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = self.js(expression)
            except RuntimeError:  # navigation in progress
                value = None
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")

    def goto(self, url: str):
        self.send("Page.navigate", url=url)
        self.wait(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    port = free_port()
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--remote-debugging-port={port}",
                             "--remote-debugging-address=127.0.0.1", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/json/version", proc, timeout=60)
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list").read())
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.send("Page.enable")
        page.send("Runtime.enable")
        yield page
        page.ws.close()
    finally:
        stop_process(proc)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-site")
    db = make_site(root)
    with served(db, root / "archive") as base:
        yield base, db, root


def test_search_report_page_and_csv_download(browser, site, tmp_path):
    base, db, root = site
    page = browser
    conn = sqlite3.connect(db)
    want = {rid for rid, title, text in conn.execute(
        "select r.id, r.title, t.text from reports r join report_texts t on t.report_id = r.id")
        if fts.matches("复议", (title or "") + "\n" + own_words(text or ""))}

    # 1. the reports table; type a Chinese query into the search box and press Enter
    page.goto(f"{base}/nianbao/reports")
    page.js("document.querySelector('#_search').focus()")
    page.send("Input.insertText", text="复议")  # what an input method commits
    page.send("Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13,
              text="\r")
    page.send("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)
    page.wait("location.search.includes('_search=') && document.readyState === 'complete'")
    assert "复议" in page.js("decodeURIComponent(location.search)")
    heading = page.wait("document.querySelector('h3') && document.querySelector('h3').textContent")
    assert f"{len(want)} row" in heading.replace(",", ""), heading
    Path(root / "search.png").write_bytes(__import__("base64").b64decode(page.send("Page.captureScreenshot")["data"]))

    # 2. open the first report page from the results
    link = page.js("document.querySelector('a[href*=\"/-/report/\"]').href")
    rid = int(link.rsplit("/", 1)[1])
    assert rid in want
    page.js("document.querySelector('a[href*=\"/-/report/\"]').click()")
    page.wait("location.pathname.startsWith('/-/report/') && document.readyState === 'complete'")
    cells_b = page.js("document.querySelectorAll('#nb-table-b td').length")
    assert cells_b == 7 * len(page.js("Array.from(document.querySelectorAll('#nb-table-b tr')).slice(3)"))
    assert cells_b >= 161 or rid and cells_b > 0
    assert page.js("document.querySelectorAll('#nb-table-a td').length") > 0
    assert page.js("document.querySelectorAll('#nb-table-c td').length") == 15
    assert page.js("document.body.innerText.includes('（七）总计')")
    Path(root / "report.png").write_bytes(__import__("base64").b64decode(page.send("Page.captureScreenshot")["data"]))

    # 3. back on the search results, download them as CSV through the page's own CSV link
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    page.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads), eventsEnabled=True)
    page.goto(f"{base}/nianbao/reports?_search=" + urllib.request.quote("复议"))
    csv_href = page.js("Array.from(document.querySelectorAll('a')).map(a => a.href)"
                       ".find(h => h.includes('.csv') && h.includes('_dl=1')) || "
                       "Array.from(document.querySelectorAll('a')).map(a => a.href).find(h => h.includes('.csv'))")
    assert csv_href
    page.js(f"(() => {{ const a = document.createElement('a'); a.href = {json.dumps(csv_href)}; a.download = 'r.csv';"
            " document.body.appendChild(a); a.click(); })()")
    deadline = time.monotonic() + 20
    files = []
    while time.monotonic() < deadline:
        files = [p for p in downloads.iterdir() if p.suffix == ".csv"]
        if files:
            break
        time.sleep(0.2)
    assert files, list(downloads.iterdir())
    rows = list(csv.DictReader(files[0].open(encoding="utf-8")))
    assert {int(r["id"]) for r in rows} == want


def download(page, downloads: Path, href: str, suffix: str) -> Path:
    page.js(f"(() => {{ const a = document.createElement('a'); a.href = {json.dumps(href)}; "
            "document.body.appendChild(a); a.click(); })()")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        files = [p for p in downloads.iterdir() if p.suffix == suffix]
        if files:
            return files[0]
        time.sleep(0.2)
    raise AssertionError(list(downloads.iterdir()))


def test_excel_snippets_organ_and_rules_pages(browser, site, tmp_path):
    import io

    import openpyxl

    base, db, root = site
    page = browser
    conn = sqlite3.connect(db)
    downloads = tmp_path / "xlsx"
    downloads.mkdir()
    page.send("Browser.setDownloadBehavior", behavior="allow", downloadPath=str(downloads), eventsEnabled=True)

    # the Excel link of the applications table, as a person clicks it
    page.goto(f"{base}/nianbao/applications")
    href = page.js("Array.from(document.querySelectorAll('a')).map(a => a.href).find(h => h.includes('.xlsx'))")
    rows = list(openpyxl.load_workbook(io.BytesIO(download(page, downloads, href, ".xlsx").read_bytes()))
                .worksheets[0].iter_rows(values_only=True))
    assert rows[0][2] == "机关" and len(rows) - 2 == conn.execute("select count(*) from applications").fetchone()[0]

    # ranked search: every result shows a snippet with the term marked
    page.goto(f"{base}/nianbao/search?q=" + urllib.request.quote("复议"))
    marks = page.wait("document.querySelectorAll('td.col-snippet mark').length")
    shown = page.js("document.querySelectorAll('td.col-snippet').length")
    assert marks >= shown > 0 and page.js("document.querySelector('td.col-snippet mark').textContent") == "复议"

    # an organ's page: its years side by side
    name, years = conn.execute("select name, years from organs where reports >= 2 order by organ_id").fetchone()
    page.goto(f"{base}/nianbao/organs?reports__gte=2")
    link = page.js(f"Array.from(document.querySelectorAll('a')).find(a => a.href.includes('/-/organ/') && "
                   f"a.textContent === {json.dumps(name)}).href")
    page.goto(link)
    heads = page.js("Array.from(document.querySelectorAll('#nb-organ-figures tr:first-child th')).map(t => t.textContent)")
    assert heads[1:] == years.split(",")
    Path(root / "organ.png").write_bytes(__import__("base64").b64decode(page.send("Page.captureScreenshot")["data"]))

    # the rules page in Chinese
    page.goto(f"{base}/-/rules")
    assert page.js("document.querySelectorAll('#nb-rules tbody tr').length") == 12
    assert "申请总量平衡" in page.js("document.querySelector('#rule-1').innerText")
