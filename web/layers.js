// tracker UI — the per-layer line view beside the run page's gradient heat map: one line per
// tensor of a chosen statistic (l2, mean, std, max_abs, zero_frac, update_ratio) over steps,
// coloured by depth (first layer dark, last light), with hover (tensor, step, value), drag to
// zoom, double-click to reset, log y and a legend that hides tensors. It reads
// /api/runs/ID/grads/STAT and replaces the server-drawn L2 chart (kept for readers without
// JavaScript). The chart itself is a T.Panel; this object is the Panel's data source.
'use strict';
(function () {
  var T = window.T, POINTS = 800;

  function LayerLines(root) {
    var self = this;
    this.root = root; this.url = root.dataset.url;
    this.hidden = {}; this.data = {}; this.colours = {}; this.tensors = [];
    this.smooth = 0; this.logY = false; this.range = null; this.spec = { alerts: [] }; this.stat = null;
    this.pick = T.el('select', { id: 'layer-stat' });
    this.pick.addEventListener('change', function () { self.load(self.pick.value); });
    this.log = T.el('input', { id: 'layer-log', type: 'checkbox' });
    this.log.addEventListener('change', function () { self.logY = self.log.checked; self.draw(); });
    this.info = T.el('span', { id: 'layer-info', class: 'muted' });
    this.legendBox = T.el('div', { id: 'layer-legend', class: 'legend' });
    this.panel = null;
    window.addEventListener('resize', function () { self.draw(); });
    this.load('l2');
  }

  // What a T.Panel asks of its owner: series by (run, key) — here (tensor, statistic) —,
  // colours, labels, the x axis (steps), hidden lines, smoothing, log y, zoom.
  LayerLines.prototype.series = function (tensor) { return this.data[tensor]; };
  LayerLines.prototype.xOf = function (run, step) { return step; };
  LayerLines.prototype.stepOf = function (run, x) { return x; };
  LayerLines.prototype.colourOf = function (tensor) { return this.colours[tensor] || '#000'; };
  LayerLines.prototype.label = function (tensor) { return tensor; };
  LayerLines.prototype.axisLabel = function () { return 'step'; };
  LayerLines.prototype.zoom = function (a, b) { this.range = [a, b]; this.draw(); return Promise.resolve(); };
  LayerLines.prototype.resetZoom = function () { this.range = null; this.draw(); return Promise.resolve(); };

  LayerLines.prototype.draw = function () {
    if (!this.panel) return;
    this.panel.draw();
    this.root.dataset.range = this.range ? this.range.join(',') : '';
  };

  // Fetches one statistic's lines and draws them (the first answer also builds the view).
  LayerLines.prototype.load = function (stat) {
    var self = this;
    this.root.dataset.pending = '1';
    return T.get(this.url + encodeURIComponent(stat) + '?points=' + POINTS).then(function (a) {
      self.stat = a.stat; self.data = {}; self.colours = {}; self.range = null;
      self.tensors = a.tensors.map(function (t) { return t.name; });
      var lo = Infinity, hi = -Infinity, positive = true;
      a.tensors.forEach(function (t, i) {
        var pts = t.points.map(function (p) { return [p[0], T.num(p[1])]; });
        pts.forEach(function (p) { if (isFinite(p[1])) { if (p[1] <= 0) positive = false; lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); } });
        self.data[t.name] = { pts: pts, total: t.total };
        self.colours[t.name] = T.seq(a.tensors.length > 1 ? i / (a.tensors.length - 1) : 0);
      });
      // Log y where it can show something: positive values spanning two decades (norms, ratios).
      self.logY = positive && isFinite(lo) && hi / lo >= 100;
      self.log.checked = self.logY;
      if (!self.panel) self.mount(a.stats);
      self.pick.value = a.stat;
      self.panel.spec = { id: 'layer-lines', title: a.title + ' per tensor', shade: false,
        lines: self.tensors.map(function (t) { return { run: t, key: a.stat, dash: false }; }) };
      self.panel.root.querySelector('.ptitle').textContent = a.title + ' per tensor';
      self.legend();
      self.draw();
      self.info.textContent = a.tensors.length + ' tensors';
      self.root.dataset.stat = a.stat;
      self.root.dataset.pending = '0';
    }).catch(function (e) { self.info.textContent = 'could not load the gradient statistics: ' + e.message; });
  };

  LayerLines.prototype.mount = function (stats) {
    var self = this;
    (stats.length ? stats : ['l2']).forEach(function (s) { self.pick.appendChild(T.el('option', { value: s }, [s])); });
    this.panel = new T.Panel(this, { id: 'layer-lines', title: '', lines: [], shade: false });
    this.root.querySelectorAll('.static-layer-lines').forEach(function (e) { e.hidden = true; });
    this.root.appendChild(T.el('div', { class: 'toolbar' }, [T.el('label', {}, ['statistic ', this.pick]), T.el('label', {}, [this.log, ' log y']),
      T.el('span', { class: 'muted' }, ['drag to zoom, double-click to reset']), this.info]));
    this.root.appendChild(this.panel.root);
    this.root.appendChild(this.legendBox);
  };

  LayerLines.prototype.legend = function () {
    var self = this;
    this.legendBox.textContent = '';
    this.tensors.forEach(function (t) {
      var item = T.el('button', { type: 'button', class: 'legend-item' + (self.hidden[t] ? ' off' : ''), 'data-tensor': t },
        [T.el('i', { style: 'background:' + self.colours[t] }), t]);
      item.addEventListener('click', function () { self.hidden[t] = !self.hidden[t]; item.classList.toggle('off', !!self.hidden[t]); self.draw(); });
      self.legendBox.appendChild(item);
    });
  };

  T.LayerLines = LayerLines;
  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('layer-lines');
    if (root) T.layerLines = new LayerLines(root);
  });
})();
