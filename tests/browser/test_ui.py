#!/usr/bin/env python3
"""Real-browser tests of `tracker ui` in headless Chromium (Selenium + chromedriver).

Trains a small sweep with `tracker train`, serves it with `tracker ui` on a free port, and
clicks through the pages as a user would: hovers a panel and checks the tooltip's values
against the stored points, zooms (axis range, more points fetched), smoothing (TensorBoard's
debiased EMA, recomputed here), log y, hiding a run in the legend, the epoch axis, the
train-vs-validation view, colouring the lines by a numeric and a categorical param (the
legend, and the lines' pixels in the param's colours), brushing a parallel-coordinates axis,
the gradient heat map hover, the per-layer gradient lines (hover values against the stored
statistics), an alert placed on its curve, and a running run gaining points without a
reload. Any JavaScript console error fails. Screenshots go to out/browser/.

    TRACKER_BIN=.build/debug/tracker python3 tests/browser/test_ui.py
"""
import json, math, os, re, shutil, signal, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

BIN = os.environ.get("TRACKER_BIN", ".build/debug/tracker")
OUT = os.environ.get("BROWSER_OUT", "out/browser")

SWEEP = """experiment: browser-sweep
seed: 7
data: {source: moons, size: 6000, noise: 0.25, validation: 0.25}
model: {depth: 2, width: 32, activation: relu}
optimizer: {type: adam, lr: 0.003}
epochs: 6
batch_size: 16
logging: {layer_stats_every: 20, histograms: true}
sweep:
  grid:
    model.dropout: [0, 0.3]
    optimizer.lr: [0.003, 0.01]
"""

# A deep sigmoid net: the vanishing-gradient alert, placed on its curves.
ALERTS = """experiment: browser-alerts
seed: 1
data: {source: moons, size: 400, noise: 0.2, validation: 0.25}
model: {depth: 14, width: 16, activation: sigmoid, init: xavier_uniform}
optimizer: {type: adam, lr: 0.001}
epochs: 1
batch_size: 32
logging: {layer_stats_every: 5}
"""

# Long enough to be watched while it runs (stopped by the test once seen growing).
LIVE = """experiment: browser-live
seed: 9
data: {source: moons, size: 20000, noise: 0.25, validation: 0.1}
model: {depth: 3, width: 128, activation: relu}
optimizer: {type: adam, lr: 0.003}
epochs: 200
batch_size: 8
"""


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


class Suite:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="tracker-browser-")
        self.db = os.path.join(self.work, "tracker.db")
        self.server = None
        self.live = None
        self.driver = None
        self.shots = 0
        self.console_errors = []

    # --- setup -------------------------------------------------------------------------
    def train(self):
        path = os.path.join(self.work, "sweep.yaml")
        with open(path, "w") as f:
            f.write(SWEEP)
        subprocess.run([BIN, "train", path, "--db", self.db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        path = os.path.join(self.work, "alerts.yaml")
        with open(path, "w") as f:
            f.write(ALERTS)
        subprocess.run([BIN, "train", path, "--db", self.db], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def serve(self):
        log = open(os.path.join(self.work, "server.log"), "w+")
        self.server = subprocess.Popen([BIN, "ui", "--db", self.db, "--port", "0"], stdout=log, stderr=log)
        for _ in range(100):
            log.seek(0)
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read())
            if m:
                self.base = f"http://127.0.0.1:{m.group(1)}"
                self.runs = self.api("/api/runs?experiment=browser-sweep")
                check(len(self.runs) == 4, f"the sweep made {len(self.runs)} runs, not 4")
                return
            time.sleep(0.1)
        raise Failure("tracker ui did not start")

    def browser(self):
        opts = webdriver.ChromeOptions()
        for a in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"]:
            opts.add_argument(a)
        opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=opts)
        self.driver.set_script_timeout(20)

    def api(self, path):
        with urllib.request.urlopen(self.base + path) as r:
            return json.load(r)

    # --- helpers -----------------------------------------------------------------------
    def open(self, path):
        self.driver.get(self.base + path)

    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def shot(self, name):
        self.shots += 1
        os.makedirs(OUT, exist_ok=True)
        self.driver.save_screenshot(os.path.join(OUT, f"{self.shots:02d}-{name}.png"))

    def console(self):
        for entry in self.driver.get_log("browser"):
            if entry.get("level") == "SEVERE":
                self.console_errors.append(entry.get("message"))
        check(not self.console_errors, "JavaScript console errors: " + " | ".join(self.console_errors))

    def wait(self, cond, what, timeout=15):
        try:
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(lambda d: cond())
        except Exception:
            raise Failure(f"timed out waiting for {what}")

    def wait_explorer(self, requests_before=0):
        self.wait(lambda: self.js("var e=document.getElementById('explorer');return e&&Number(e.dataset.requests||0)>%d&&e.dataset.pending==='0'&&"
                                  "document.querySelectorAll('#panels .panel[data-points]').length>0" % requests_before), "the charts to draw")
        time.sleep(0.2)

    def panel(self, key):
        return self.driver.find_element(By.CSS_SELECTOR, f'#panels .panel[data-panel="{key}"]')

    def hover(self, key, fraction, dy=0):
        """Moves the mouse to `fraction` of the plot width of a panel; returns the tooltip rows."""
        over = self.panel(key).find_element(By.CSS_SELECTOR, "canvas.over")
        w = over.size["width"]
        left, right = 58, 12  # the panel's margins (web/panel.js)
        x = left + fraction * (w - left - right)
        ActionChains(self.driver).move_to_element_with_offset(over, int(x - w / 2), dy).perform()
        self.wait(lambda: self.js("var t=document.querySelector('.panel[data-panel=\"%s\"] .tip');return t&&!t.hidden" % key), "the tooltip")
        return self.js("""return Array.from(document.querySelectorAll('.panel[data-panel="%s"] .tip-row')).map(function(r){
            return {run:r.dataset.run,key:r.dataset.key,step:Number(r.dataset.step),value:Number(r.dataset.value),smoothed:Number(r.dataset.smoothed)};})""" % key)

    def stored(self, run, key):
        pts = self.api(f"/api/runs/{run}/metrics/{key}?points=0")["points"]
        return {int(s): float(v) for s, v in pts}

    def compare_path(self):
        return "/compare?" + "&".join("run=" + r["id"] for r in self.runs)

    # --- tests -------------------------------------------------------------------------
    def test_panels_and_hover(self):
        self.open(self.compare_path())
        self.wait_explorer()
        self.shot("compare")
        keys = self.js("return T.explorer.keys.filter(function(k){return T.explorer.shown[k];})")
        panels = self.driver.find_elements(By.CSS_SELECTOR, "#panels .panel")
        check(len(panels) == len(keys) and "loss" in keys and "val_loss" in keys, f"{len(panels)} panels for keys {keys}")
        legend = self.driver.find_elements(By.CSS_SELECTOR, "#legend .legend-item")
        colours = {i.find_element(By.TAG_NAME, "i").get_attribute("style") for i in legend}
        check(len(legend) == 4 and len(colours) == 4, f"legend: {len(legend)} runs, {len(colours)} colours")
        check(self.js("return Array.from(document.querySelectorAll('.static-charts')).every(function(e){return e.hidden})"),
              "the server-drawn charts are replaced")
        rows = self.hover("loss", 0.37)
        self.shot("hover")
        check(len(rows) == 4, f"tooltip lists {len(rows)} runs, not 4")
        for r in rows:
            stored = self.stored(r["run"], "loss")
            check(r["step"] in stored and stored[r["step"]] == r["value"],
                  f"tooltip {r['run']} step {r['step']} value {r['value']} ≠ stored {stored.get(r['step'])}")
        x = float(self.js("return parseFloat(document.querySelector('.panel[data-panel=\"loss\"] .tip-x').textContent.split(' ')[1])"))
        spacing = max(self.stored(self.runs[0]["id"], "loss")) / 150
        check(all(abs(r["step"] - x) <= spacing for r in rows), f"tooltip steps {[r['step'] for r in rows]} far from x {x}")
        v = self.hover("val_loss", 0.9)
        for r in v:
            check(self.stored(r["run"], "val_loss").get(r["step"]) == r["value"], f"val_loss tooltip {r} is not a stored point")
        self.console()

    def test_zoom(self):
        p = self.panel("loss")
        x0, x1 = float(p.get_attribute("data-x0")), float(p.get_attribute("data-x1"))
        a, b = x0 + 0.4 * (x1 - x0), x0 + 0.6 * (x1 - x0)
        before = self.js("var n=0;T.explorer.runs.forEach(function(r){T.explorer.series(r.id,'loss').pts.forEach(function(q){if(q[0]>=arguments[0]&&q[0]<=arguments[1])n++;});});return n;".replace("arguments[0]", str(a)).replace("arguments[1]", str(b)))
        fetched = int(self.js("return Number(document.getElementById('explorer').dataset.fetched)"))
        requests = int(self.js("return Number(document.getElementById('explorer').dataset.requests)"))
        over = p.find_element(By.CSS_SELECTOR, "canvas.over")
        w = over.size["width"]
        px = lambda f: int(58 + f * (w - 70) - w / 2)
        ActionChains(self.driver).move_to_element_with_offset(over, px(0.4), 0).click_and_hold().move_by_offset(px(0.5) - px(0.4), 0) \
            .move_by_offset(px(0.6) - px(0.5), 0).release().perform()
        self.wait_explorer(requests)
        self.shot("zoomed")
        p = self.panel("loss")
        z0, z1 = float(p.get_attribute("data-x0")), float(p.get_attribute("data-x1"))
        tol = 0.02 * (x1 - x0)
        check(abs(z0 - a) <= tol and abs(z1 - b) <= tol, f"zoomed axis {z0}–{z1}, wanted about {a}–{b}")
        after = self.js("var n=0;T.explorer.runs.forEach(function(r){n+=T.explorer.series(r.id,'loss').pts.length;});return n;")
        check(after > before, f"zooming fetched no detail: {after} points in range after, {before} before")
        check(int(self.js("return Number(document.getElementById('explorer').dataset.fetched)")) > fetched, "no new points were fetched")
        for r in self.hover("loss", 0.5):
            check(self.stored(r["run"], "loss").get(r["step"]) == r["value"], f"zoomed tooltip {r} is not a stored point")
        over = self.panel("loss").find_element(By.CSS_SELECTOR, "canvas.over")
        ActionChains(self.driver).double_click(over).perform()
        self.wait(lambda: self.js("return document.getElementById('explorer').dataset.range===''"), "the zoom to reset")
        self.wait_explorer(requests + 1)
        p = self.panel("loss")
        check(abs(float(p.get_attribute("data-x1")) - x1) < 1e-6, "double-click did not reset the axis")
        self.console()

    def test_smoothing_and_log(self):
        self.js("var s=document.getElementById('smoothing');s.value='0.9';s.dispatchEvent(new Event('input'));")
        rows = self.hover("loss", 0.5)
        self.shot("smoothed")
        for r in rows:
            pts = self.js("return T.explorer.series(arguments[0],'loss').pts", r["run"])
            last, n, want = 0.0, 0, None
            for s, v in pts:
                if math.isfinite(v):
                    last = last * 0.9 + 0.1 * v; n += 1
                if s == r["step"]:
                    want = last / (1 - 0.9 ** n)
                    break
            check(want is not None and abs(want - r["smoothed"]) <= 1e-9 * max(1, abs(want)), f"smoothed {r['smoothed']} ≠ debiased EMA {want}")
        check(any(abs(r["smoothed"] - r["value"]) > 1e-6 for r in rows), "smoothing changed nothing")
        self.js("var s=document.getElementById('smoothing');s.value='0';s.dispatchEvent(new Event('input'));")
        self.driver.find_element(By.ID, "log-y").click()
        dom = self.js("var p=T.explorer.panels.find(function(p){return p.spec.id==='loss'});return [p.dom.y0,p.dom.y1]")
        ys = self.js("var m=-Infinity;T.explorer.runs.forEach(function(r){T.explorer.series(r.id,'loss').pts.forEach(function(q){if(q[1]>m)m=q[1];});});return m;")
        check(abs(dom[1] - math.log10(ys)) < 0.2 * (dom[1] - dom[0]) + 1e-9, f"log y: top {dom[1]} is not near log10(max) {math.log10(ys)}")
        self.shot("log-y")
        self.driver.find_element(By.ID, "log-y").click()
        self.console()

    def test_legend_hides(self):
        hidden = self.runs[1]["id"]
        points = int(self.panel("loss").get_attribute("data-points"))
        self.driver.find_element(By.CSS_SELECTOR, f'#legend .legend-item[data-run="{hidden}"]').click()
        rows = self.hover("loss", 0.5)
        self.shot("legend-hidden")
        check(len(rows) == 3 and hidden not in [r["run"] for r in rows], f"hidden run {hidden} still in the tooltip: {rows}")
        check(int(self.panel("loss").get_attribute("data-points")) < points, "hiding a run did not remove its line")
        check("off" in self.driver.find_element(By.CSS_SELECTOR, f'#legend .legend-item[data-run="{hidden}"]').get_attribute("class"), "legend not marked")
        self.driver.find_element(By.CSS_SELECTOR, f'#legend .legend-item[data-run="{hidden}"]').click()
        check(len(self.hover("loss", 0.5)) == 4, "showing the run again")
        self.console()

    def test_axes_and_pairs(self):
        requests = int(self.js("return Number(document.getElementById('explorer').dataset.requests)"))
        Select(self.driver.find_element(By.ID, "x-axis")).select_by_value("epoch")
        self.wait_explorer(requests)
        x1 = float(self.panel("val_loss").get_attribute("data-x1"))
        epochs = max(p[1] for p in self.api(f"/api/series?run={self.runs[0]['id']}&key=val_loss&clock=1")["runs"][self.runs[0]["id"]]["clock"])
        check(abs(x1 - epochs) < 1e-9, f"epoch axis ends at {x1}, the last epoch is {epochs}")
        self.shot("epoch-axis")
        Select(self.driver.find_element(By.ID, "x-axis")).select_by_value("time")
        self.wait_explorer(requests + 1)
        t1 = float(self.panel("val_loss").get_attribute("data-x1"))
        check(0 < t1 < 600, f"wall-time axis ends at {t1} s")
        Select(self.driver.find_element(By.ID, "x-axis")).select_by_value("step")
        requests = int(self.js("return Number(document.getElementById('explorer').dataset.requests)"))
        Select(self.driver.find_element(By.ID, "view")).select_by_value("pairs")
        self.wait_explorer(requests)
        pairs = self.driver.find_elements(By.CSS_SELECTOR, "#panels .panel")
        check(len(pairs) == 2 * 4, f"{len(pairs)} train-vs-validation panels, want 2 pairs × 4 runs")
        self.shot("pairs")
        Select(self.driver.find_element(By.ID, "view")).select_by_value("panels")
        self.console()

    def test_sweep_brush(self):
        self.open("/?experiment=browser-sweep")
        self.wait(lambda: len(self.driver.find_elements(By.CSS_SELECTOR, "#parallel .pc-line")) == 4, "the parallel coordinates")
        axes = [a.get_attribute("data-axis") for a in self.driver.find_elements(By.CSS_SELECTOR, "#parallel .pc-axis")]
        check("optimizer.lr.value" in axes and "model.dropout" in axes and axes[-1] == "val_loss", f"axes {axes}")
        hit = self.driver.find_element(By.CSS_SELECTOR, '#parallel .pc-axis[data-axis="optimizer.lr.value"] .pc-hit')
        h = hit.size["height"]
        # The upper 40% of the lr axis: lr = 0.01 only.
        ActionChains(self.driver).move_to_element_with_offset(hit, 0, int(-h / 2 + 2)).click_and_hold().move_by_offset(0, int(h * 0.2)) \
            .move_by_offset(0, int(h * 0.2)).release().perform()
        self.wait(lambda: self.js("return document.getElementById('sweep-view').dataset.selected.split(',').length") == 2, "the brush to filter")
        kept = set(self.js("return document.getElementById('sweep-view').dataset.selected").split(","))
        want = {r["id"] for r in self.runs if abs(float(r["params"]["optimizer.lr.value"]) - 0.01) < 1e-12}
        check(kept == want, f"brushing lr kept {kept}, want {want}")
        dim = {l.get_attribute("data-run") for l in self.driver.find_elements(By.CSS_SELECTOR, "#parallel .pc-line.dim")}
        check(dim == {r["id"] for r in self.runs} - want, "the other runs are dimmed")
        check(len(self.driver.find_elements(By.CSS_SELECTOR, "#scatter .sc-dot")) == 4, "the scatter has a dot per run")
        self.shot("sweep-brushed")
        self.driver.find_element(By.ID, "sweep-compare").click()
        self.wait_explorer()
        legend = {i.get_attribute("data-run") for i in self.driver.find_elements(By.CSS_SELECTOR, "#legend .legend-item")}
        check(legend == want, f"the compare page got {legend}, want {want}")
        self.console()

    def test_heatmap_hover(self):
        run = self.runs[0]["id"]
        self.open(f"/runs/{run}")
        self.wait_explorer()
        grads = self.api(f"/api/runs/{run}/grads")
        svg = self.driver.find_element(By.CSS_SELECTOR, ".heat-wrap svg.heatmap")
        self.driver.execute_script("arguments[0].scrollIntoView()", svg)
        g = {k: float(svg.get_attribute("data-" + k)) for k in ["left", "top", "plotw", "rowh", "columns"]}
        scale = svg.size["width"] / float(svg.get_attribute("width"))
        x = (g["left"] + g["plotw"] * 0.5) * scale - svg.size["width"] / 2
        y = (g["top"] + g["rowh"] * 1.5) * scale - svg.size["height"] / 2
        time.sleep(0.3)
        ActionChains(self.driver).move_to_element_with_offset(svg, int(x), int(y)).perform()
        self.wait(lambda: self.js("var t=document.getElementById('heat-tip');return t&&!t.hidden"), "the heat map tooltip")
        tip = self.js("var t=document.getElementById('heat-tip');return [t.dataset.tensor,Number(t.dataset.step),Number(t.dataset.value)]")
        row = grads["tensors"].index(tip[0])
        check(row == 1, f"hovered row {row} ({tip[0]}), want row 1")
        i = grads["steps"].index(tip[1])
        check(float(grads["l2"][row][i]) == tip[2], f"heat map tooltip {tip} ≠ stored {grads['l2'][row][i]}")
        self.shot("heatmap-hover")
        self.console()

    def test_alerts_on_curves(self):
        run = self.api("/api/runs?experiment=browser-alerts")[0]["id"]
        events = [e for e in self.api(f"/api/runs/{run}")["events"] if e["level"] != "info" and e["step"] is not None]
        check(events, "the deep sigmoid run raised no alert")
        self.open(f"/runs/{run}")
        self.wait_explorer()
        placed = self.js("var p=T.explorer.panels.find(function(p){return p.spec.id==='loss'});"
                         "return p.visibleAlerts().map(function(v){return [v.a.kind,v.a.step,v.px];})")
        check({(k, st) for k, st, _ in placed} == {(e["kind"], e["step"]) for e in events}, f"alerts placed {placed}, stored {events}")
        over = self.panel("loss").find_element(By.CSS_SELECTOR, "canvas.over")
        ActionChains(self.driver).move_to_element_with_offset(over, int(placed[0][2] - over.size["width"] / 2), 0).perform()
        self.wait(lambda: self.js("return document.querySelectorAll('.panel[data-panel=\"loss\"] .tip-alert').length") > 0, "the alert in the tooltip")
        text = self.js("return document.querySelector('.panel[data-panel=\"loss\"] .tip-alert').textContent")
        check(placed[0][0] in text and f"step {placed[0][1]}" in text, f"alert tooltip: {text}")
        self.shot("alert")
        self.console()

    def test_live_run(self):
        path = os.path.join(self.work, "live.yaml")
        with open(path, "w") as f:
            f.write(LIVE)
        self.live = subprocess.Popen([BIN, "train", path, "--db", self.db], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run = None
        for _ in range(200):
            runs = self.api("/api/runs?experiment=browser-live") if self.experiment_exists("browser-live") else []
            if runs and runs[0]["status"] == "running" and runs[0]["metrics"].get("loss", {}).get("count", 0) > 0:
                run = runs[0]["id"]
                break
            time.sleep(0.1)
        check(run is not None, "the live run did not start logging")
        self.open(f"/runs/{run}")
        self.wait_explorer()
        self.js("window.notReloaded = true")
        held = int(self.js("return Number(document.getElementById('explorer').dataset.held)"))
        self.wait(lambda: int(self.js("return Number(document.getElementById('explorer').dataset.liveAdded||0)")) > 0, "live points", timeout=20)
        self.wait(lambda: int(self.js("return Number(document.getElementById('explorer').dataset.held)")) > held, "the panels to grow", timeout=10)
        check(self.js("return window.notReloaded === true"), "the page reloaded instead of appending")
        stored = self.stored(run, "loss")
        pts = self.js("return T.explorer.series(arguments[0],'loss').pts", run)
        check(all(stored.get(int(s)) == v for s, v in pts), "appended points differ from the stored ones")
        check(pts == sorted(pts) and len({p[0] for p in pts}) == len(pts), "appended points are out of order or repeated")
        self.shot("live")
        self.console()

    def colours_drawn(self, key):
        """Per run of a panel: the colour its line claims, and at how many of its points the
        base canvas has pixels of that colour when it is drawn alone (so the line really is
        drawn in it, whatever the other lines cover)."""
        return self.js("""
            var ex = T.explorer, p = ex.panels.find(function (p) { return p.spec.id === arguments[0]; });
            var probe = document.createElement('i'); document.body.appendChild(probe);
            function rgb(c) { probe.style.color = ''; probe.style.color = c; return getComputedStyle(probe).color.match(/\\d+/g).map(Number); }
            var saved = Object.assign({}, ex.hidden), out = [];
            ex.runs.forEach(function (r) {
              if (saved[r.id]) return;
              ex.runs.forEach(function (o) { ex.hidden[o.id] = o.id !== r.id; });
              ex.draw();
              var l = p.lines[0], c = p.base.getContext('2d'), dpr = p.dpr, want = rgb(l.colour), hits = 0, tried = 0;
              for (var k = 1; k <= 9; k++) {
                var i = Math.floor(k * (l.xs.length - 1) / 10), y = p.sy(l.ys[i]);
                if (!isFinite(y)) continue;
                tried++;
                var x = p.sx(l.xs[i]), d = c.getImageData(Math.round(x * dpr) - 3, Math.round(y * dpr) - 3, 7, 7).data;
                for (var j = 0; j < d.length; j += 4) {
                  if (Math.abs(d[j] - want[0]) + Math.abs(d[j + 1] - want[1]) + Math.abs(d[j + 2] - want[2]) <= 40 && d[j + 3] > 200) { hits++; break; }
                }
              }
              out.push({ run: l.run, colour: l.colour, rgb: want, hits: hits, tried: tried });
            });
            ex.hidden = saved; ex.draw();
            probe.remove();
            return out;""".replace("arguments[0]", json.dumps(key)))

    def legend_colours(self):
        return self.js("var o={};document.querySelectorAll('#legend .legend-item').forEach(function(i){o[i.dataset.run]=i.dataset.colour;});return o;")

    def test_colour_by_param(self):
        self.open(self.compare_path())
        self.wait_explorer()
        Select(self.driver.find_element(By.ID, "colour-by")).select_by_value("optimizer.lr.value")
        self.wait(lambda: self.js("return document.getElementById('explorer').dataset.colourBy") == "optimizer.lr.value", "the colouring")
        box = self.driver.find_element(By.ID, "colour-legend")
        check(box.is_displayed() and box.get_attribute("data-kind") == "numeric", "a numeric param gets the sequential scale's legend")
        lrs = {r["id"]: float(r["params"]["optimizer.lr.value"]) for r in self.runs}
        lo, hi = float(box.get_attribute("data-lo")), float(box.get_attribute("data-hi"))
        check(lo == min(lrs.values()) and hi == max(lrs.values()), f"the legend's range {lo}–{hi}, the runs' lr {sorted(set(lrs.values()))}")
        check("0.003" in box.text and "0.01" in box.text, f"the legend shows the range: {box.text}")
        ends = {lo: box.find_element(By.CLASS_NAME, "scale-lo").get_attribute("data-colour"), hi: box.find_element(By.CLASS_NAME, "scale-hi").get_attribute("data-colour")}
        legend = self.legend_colours()
        for run, lr in lrs.items():
            check(legend[run] == ends[lr], f"run {run} (lr {lr}) is {legend[run]}, the scale's end is {ends[lr]}")
        check(ends[lo] != ends[hi], "the two ends of the scale differ")
        check("colour=optimizer.lr.value" in self.driver.current_url, f"the choice is kept in the address: {self.driver.current_url}")
        for key in ["loss", "val_loss"]:
            drawn = self.colours_drawn(key)
            check(len(drawn) == 4, f"{key}: {len(drawn)} lines")
            for d in drawn:
                check(d["colour"] == legend[d["run"]], f"{key}: line of {d['run']} is {d['colour']}, its legend entry {legend[d['run']]}")
                check(d["tried"] > 0 and d["hits"] >= d["tried"] - 1, f"{key}: the canvas shows {d['run']}'s colour {d['rgb']} at {d['hits']} of {d['tried']} points")
        self.shot("colour-numeric")
        # The run legend still hides and shows runs.
        hidden = self.runs[2]["id"]
        self.driver.find_element(By.CSS_SELECTOR, f'#legend .legend-item[data-run="{hidden}"]').click()
        rows = self.hover("loss", 0.5)
        check(len(rows) == 3 and hidden not in [r["run"] for r in rows], f"hidden run {hidden} still in the tooltip: {rows}")
        self.driver.find_element(By.CSS_SELECTOR, f'#legend .legend-item[data-run="{hidden}"]').click()
        check(len(self.hover("loss", 0.5)) == 4, "showing the run again")

        # A categorical param, chosen in the address: the sweep's relu runs and the deep sigmoid run.
        alerts = self.api("/api/runs?experiment=browser-alerts")[0]["id"]
        self.open(self.compare_path() + "&run=" + alerts + "&colour=model.activation")
        self.wait_explorer()
        check(Select(self.driver.find_element(By.ID, "colour-by")).first_selected_option.get_attribute("value") == "model.activation", "picked from the address")
        box = self.driver.find_element(By.ID, "colour-legend")
        check(box.get_attribute("data-kind") == "categorical", "text params are categories")
        cats = {i.get_attribute("data-value"): i for i in box.find_elements(By.CSS_SELECTOR, ".legend-item")}
        check(set(cats) == {"relu", "sigmoid"}, f"categories {sorted(cats)}")
        check("(4)" in cats["relu"].text and "(1)" in cats["sigmoid"].text, f"counts: {cats['relu'].text}, {cats['sigmoid'].text}")
        colour = {v: i.get_attribute("data-colour") for v, i in cats.items()}
        check(colour["relu"] != colour["sigmoid"], "distinct colours per category")
        legend = self.legend_colours()
        check(all(legend[r["id"]] == colour["relu"] for r in self.runs) and legend[alerts] == colour["sigmoid"], f"runs coloured by category: {legend}")
        for d in self.colours_drawn("loss"):
            check(d["colour"] == legend[d["run"]] and d["tried"] > 0 and d["hits"] >= d["tried"] - 1, f"loss line of {d['run']}: {d}")
        self.shot("colour-categorical")
        cats["relu"].click()
        rows = self.hover("loss", 0.5)
        check([r["run"] for r in rows] == [alerts], f"hiding the relu category leaves the sigmoid run: {rows}")
        check(all("off" in self.driver.find_element(By.CSS_SELECTOR, f'#legend .legend-item[data-run="{r["id"]}"]').get_attribute("class") for r in self.runs),
              "the category's runs are marked hidden in the run legend")
        self.driver.find_element(By.CSS_SELECTOR, '#colour-legend .legend-item[data-value="relu"]').click()
        check(len(self.hover("loss", 0.5)) == 5, "showing the category again")
        Select(self.driver.find_element(By.ID, "colour-by")).select_by_value("")
        check(len(set(self.legend_colours().values())) == 5 and not self.driver.find_element(By.ID, "colour-legend").is_displayed(),
              "back to one colour per run")
        self.console()

    def test_layer_lines(self):
        run = self.runs[0]["id"]
        self.open(f"/runs/{run}")
        self.wait_explorer()
        self.wait(lambda: self.js("var e=document.getElementById('layer-lines');return e.dataset.pending==='0'&&"
                                  "Number((e.querySelector('.panel')||{dataset:{}}).dataset.points||0)>0"), "the per-layer lines")
        check(self.js("return Array.from(document.querySelectorAll('.static-layer-lines')).every(function(e){return e.hidden})"),
              "the server-drawn per-layer chart is replaced")
        stats = [o.get_attribute("value") for o in self.driver.find_elements(By.CSS_SELECTOR, "#layer-stat option")]
        check("l2" in stats and "update_ratio" in stats and "zero_frac" in stats, f"statistics offered: {stats}")
        for stat in ["l2", "update_ratio"]:
            if stat != "l2":
                Select(self.driver.find_element(By.ID, "layer-stat")).select_by_value(stat)
                self.wait(lambda: self.js("var e=document.getElementById('layer-lines');return e.dataset.stat===arguments[0]&&e.dataset.pending==='0'", stat),
                          f"the {stat} lines")
            stored = {t["name"]: {int(s): float(v) for s, v in t["points"]} for t in self.api(f"/api/runs/{run}/grads/{stat}?points=0")["tensors"]}
            legend = [i.get_attribute("data-tensor") for i in self.driver.find_elements(By.CSS_SELECTOR, "#layer-legend .legend-item")]
            check(legend == list(stored), f"one legend entry per tensor, in depth order: {legend} vs {list(stored)}")
            over = self.driver.find_element(By.CSS_SELECTOR, "#layer-lines .panel canvas.over")
            self.driver.execute_script("arguments[0].scrollIntoView({block:'center'})", over)
            time.sleep(0.2)
            w = over.size["width"]
            ActionChains(self.driver).move_to_element_with_offset(over, int(58 + 0.45 * (w - 70) - w / 2), 0).perform()
            self.wait(lambda: self.js("var t=document.querySelector('#layer-lines .tip');return t&&!t.hidden"), "the per-layer tooltip")
            rows = self.js("""return Array.from(document.querySelectorAll('#layer-lines .tip-row')).map(function(r){
                return {tensor:r.dataset.run,step:Number(r.dataset.step),value:Number(r.dataset.value)};})""")
            check(len(rows) == len(stored), f"{stat}: the tooltip lists {len(rows)} tensors, not {len(stored)}")
            for r in rows:
                want = stored[r["tensor"]].get(r["step"])
                check(want is not None and want == r["value"], f"{stat} tooltip {r} ≠ stored {want}")
            self.shot("layer-lines-" + stat)
        hidden = legend[0]
        self.driver.find_element(By.CSS_SELECTOR, f'#layer-legend .legend-item[data-tensor="{hidden}"]').click()
        ActionChains(self.driver).move_to_element_with_offset(over, int(58 + 0.55 * (w - 70) - w / 2), 0).perform()
        self.wait(lambda: self.js("return document.querySelectorAll('#layer-lines .tip-row').length") == len(stored) - 1, "the hidden tensor to leave the tooltip")
        self.console()

    def experiment_exists(self, name):
        return any(x.get("name") == name for x in self.api("/api/experiments"))

    def close(self):
        for p in [self.live, self.server]:
            if p and p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
        if self.driver:
            self.driver.quit()
        shutil.rmtree(self.work, ignore_errors=True)


def main():
    suite = Suite()
    tests = [t for t in dir(Suite) if t.startswith("test_")]
    order = ["test_panels_and_hover", "test_zoom", "test_smoothing_and_log", "test_legend_hides", "test_axes_and_pairs",
             "test_colour_by_param", "test_sweep_brush", "test_heatmap_hover", "test_layer_lines", "test_alerts_on_curves", "test_live_run"]
    assert sorted(order) == sorted(tests)
    failed = 0
    start = time.time()
    try:
        suite.train()
        suite.serve()
        suite.browser()
        for name in order:
            t0 = time.time()
            try:
                getattr(suite, name)()
                print(f"ok   {name} ({time.time() - t0:.1f} s)")
            except Exception as e:  # a failure, or Selenium's own error: both fail the test
                failed += 1
                print(f"FAIL {name}: {type(e).__name__}: {e}")
                try:
                    suite.shot("FAIL-" + name)
                except Exception:
                    pass
                suite.console_errors = []
    finally:
        suite.close()
    print(f"{len(order) - failed} passed, {failed} failed in {time.time() - start:.0f} s; screenshots in {OUT}/")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
