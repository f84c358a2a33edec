#!/usr/bin/env python3
"""Browser side of the compare-page benchmark (issue 17): 20 runs × 12 metrics × 100,000
points each, served by `tracker ui`, opened in headless Chromium. Prints

- the server's time for the page (Navigation Timing: request start → response end),
- the time to the first drawn panel (the `tracker:first-panel` performance mark, from
  navigation start: HTML, scripts, the /api/series requests and the first canvas),
- the hover response: the time the mousemove handler takes per move (crosshair, nearest
  point of all 20 runs, tooltip), over 300 moves across the loss panel,

with the bars (< 300 ms, < 1 s, < 16 ms). The store is made by `tracker-bench ui-compare
--generate-only`. Measure on a quiet machine:

    python3 ../shared/peers/quiet.py -- python3 benchmarks/ui_compare_browser.py
"""
import os, re, shutil, statistics, subprocess, sys, time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

BIN = os.environ.get("TRACKER_BIN", ".build/release/tracker")
BENCH = os.environ.get("TRACKER_BENCH_BIN", ".build/release/tracker-bench")


def main():
    path = subprocess.run([BENCH, "ui-compare", "--generate-only"], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    log = open("/tmp/tracker-ui-compare-browser.log", "w+")
    server = subprocess.Popen([BIN, "ui", "--db", path, "--port", "0"], stdout=log, stderr=log)
    driver = None
    try:
        base = None
        for _ in range(100):
            log.seek(0)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
            if m:
                base = f"http://127.0.0.1:{m.group(1)}"
                break
            time.sleep(0.1)
        import json, urllib.request
        runs = json.load(urllib.request.urlopen(base + "/api/runs?experiment=ui-compare-bench"))
        url = base + "/compare?" + "&".join("run=" + r["id"] for r in runs)
        opts = webdriver.ChromeOptions()
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"]:
            opts.add_argument(a)
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
        driver.set_script_timeout(60)
        first, server_ms = [], []
        for i in range(4):  # the first load fills the server's series cache; report the median of all
            driver.get(url + f"&_={i}")
            t0 = time.time()
            while not driver.execute_script("return performance.getEntriesByName('tracker:first-panel').length") and time.time() - t0 < 60:
                time.sleep(0.02)
            first.append(driver.execute_script("return performance.getEntriesByName('tracker:first-panel')[0].startTime"))
            server_ms.append(driver.execute_script("var n=performance.getEntriesByType('navigation')[0];return n.responseEnd-n.requestStart"))
        moves = driver.execute_script("""
            var p = T.explorer.panels.find(function(p){return p.spec.id==='loss';}), c = p.over, r = c.getBoundingClientRect(), out = [];
            for (var i = 0; i < 300; i++) {
              var x = r.left + 60 + (i * 7919 % (r.width - 75)), t0 = performance.now();
              c.dispatchEvent(new MouseEvent('mousemove', {clientX: x, clientY: r.top + 100, bubbles: true}));
              out.push(performance.now() - t0);
            }
            return out;""")
        points = driver.execute_script("return Number(document.getElementById('explorer').dataset.held)")
        panels = driver.execute_script("return T.explorer.panels.length")
        moves.sort()
        p95 = moves[int(len(moves) * 0.95)]
        print(f"{len(runs)} runs × 12 metrics × 100,000 points; {panels} panels, {points} points held in the page")
        print(f"server time for the compare page (HTML): first {server_ms[0]:.0f} ms, median {statistics.median(server_ms):.0f} ms "
              f"{'PASS' if statistics.median(server_ms) < 300 else 'FAIL'} (bar < 300 ms)")
        print(f"time to the first drawn panel: first load {first[0]:.0f} ms, median {statistics.median(first):.0f} ms "
              f"{'PASS' if statistics.median(first) < 1000 else 'FAIL'} (bar < 1 s)")
        print(f"hover response per move: median {statistics.median(moves):.2f} ms, p95 {p95:.2f} ms, max {moves[-1]:.2f} ms "
              f"{'PASS' if p95 < 16 else 'FAIL'} (bar < 16 ms)")
    finally:
        if driver:
            driver.quit()
        server.kill()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
