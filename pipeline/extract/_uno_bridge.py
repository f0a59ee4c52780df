"""A kept LibreOffice worker, run by Debian's /usr/bin/python3 (the only Python with `uno`).

Usage: python3 _uno_bridge.py SOFFICE PROFILE_URL PIPE_NAME
Starts soffice listening on a named pipe with its own profile, then converts one request per
stdin line ({"in": path, "out": path, "filter": name}) and answers one JSON line on stdout.
It imports nothing from the project: it runs outside the project's virtualenv.
"""

import json
import os
import signal
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def main():
    soffice, profile_url, pipe = sys.argv[1:4]
    proc = subprocess.Popen([soffice, f"-env:UserInstallation={profile_url}", "--headless", "--norestore", "--nologo",
                             "--nodefault", "--nolockcheck", f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # same process group: killed with the bridge
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.time() + 60
        while True:
            try:
                ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                if time.time() > deadline or proc.poll() is not None:
                    print(json.dumps({"error": "LibreOffice did not start"}), flush=True)
                    return
                time.sleep(0.1)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        print(json.dumps({"ready": True}), flush=True)
        for line in sys.stdin:
            req = json.loads(line)
            try:
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(req["in"]), "_blank", 0,
                                                   (prop("Hidden", True), prop("ReadOnly", True)))
                if doc is None:
                    raise RuntimeError("LibreOffice could not open the file")
                try:
                    doc.storeToURL(uno.systemPathToFileUrl(req["out"]), (prop("FilterName", req["filter"]),))
                finally:
                    doc.close(True)
                print(json.dumps({"ok": True}), flush=True)
            except Exception as exc:
                print(json.dumps({"error": f"{type(exc).__name__}: {exc}"[:300]}), flush=True)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


if __name__ == "__main__":
    main()
