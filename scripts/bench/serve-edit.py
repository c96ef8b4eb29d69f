#!/usr/bin/env python3
"""`govpress serve` edit latency: from the save of one page to the first response that shows the edit.

    serve-edit.py GOVPRESS SITE PAGE_MD PAGE_URL_PATH EDITS

Starts `govpress serve SITE --port 0`, waits for its first build, then EDITS times: appends a marker line to
PAGE_MD (one write, as an editor's save) and polls PAGE_URL_PATH on 127.0.0.1 every millisecond until the
marker is served. Prints one line per edit (milliseconds, and what serve logged for it), then the median.
The page's sign-off goes stale on each edit (serve previews unsigned drafts as warnings). Not a test:
nothing here asserts a time. The file is restored at the end.
"""

import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request


def main():
    govpress, site, page, path, edits = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    original = open(page, encoding="utf-8").read()
    env = dict(os.environ, GOVPRESS_LOG=os.environ.get("GOVPRESS_LOG", "govpress::build::live=info"))
    server = subprocess.Popen(
        [govpress, "serve", site, "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    logged = []
    threading.Thread(target=lambda: [logged.append(line) for line in server.stderr], daemon=True).start()
    try:
        url = None
        for line in server.stdout:
            match = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
            if match:
                url = match.group(1)
                break
        if url is None:
            sys.exit("serve did not start: " + "".join(logged[-20:]))
        target = url + path.lstrip("/")
        time.sleep(1.0)  # let the watcher settle
        latencies = []
        for number in range(edits):
            marker = f"serve-edit-marker-{number}-{time.time_ns()}"
            before = len(logged)
            with open(page, "a", encoding="utf-8") as file:
                file.write(f"\n{marker}\n")
            saved = time.perf_counter()
            deadline = saved + 120
            while time.perf_counter() < deadline:
                try:
                    body = urllib.request.urlopen(target, timeout=5).read().decode("utf-8", "replace")
                except OSError:
                    body = ""
                if marker in body:
                    break
                time.sleep(0.001)
            else:
                print(f"edit {number} never showed up:\n" + "".join(logged[-40:]), file=sys.stderr)
                sys.exit(1)
            latency = (time.perf_counter() - saved) * 1000
            latencies.append(latency)
            time.sleep(0.5)  # the search index follows the page; let it finish
            took = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in logged[before:] if "edit applied" in line]
            print(f"edit {number + 1}: {latency:.1f} ms  ({took[-1] if took else 'no live edit logged'})")
        print(f"median save-to-served latency over {edits} edits: {statistics.median(latencies):.1f} ms")
    finally:
        if os.environ.get("SERVE_EDIT_LOG"):
            open(os.environ["SERVE_EDIT_LOG"], "w", encoding="utf-8").write("".join(logged))
        open(page, "w", encoding="utf-8").write(original)
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
