// tracker UI — the sweep view of the runs page: parallel coordinates (one axis per param that
// varies, the chosen metric last, lines coloured by it; drag on an axis to brush, click an
// axis to clear its brush) and a param-vs-metric scatter. The runs left by the brushes feed
// the "compare selected" link (with the runs list's "colour lines by" choice).
'use strict';
(function () {
  var T = window.T, NS = 'http://www.w3.org/2000/svg';
  var W = 920, H = 330, TOP = 34, BOTTOM = 26, SIDE = 70;

  function svg(tag, attrs, kids) {
    var e = document.createElementNS(NS, tag);
    for (var k in (attrs || {})) e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function text(v) { return v === null || v === undefined ? '–' : typeof v === 'object' ? JSON.stringify(v) : String(v); }

  // An axis over values: linear (log when positive and spanning 100×) for numbers, evenly
  // spaced for anything else. pos(v) is 0 at the bottom, 1 at the top.
  function Axis(name, values, isMetric) {
    this.name = name; this.isMetric = isMetric;
    var nums = values.filter(function (v) { return typeof v === 'number' && isFinite(v); });
    this.numeric = nums.length === values.filter(function (v) { return v !== null && v !== undefined; }).length && nums.length > 0;
    if (this.numeric) {
      this.lo = Math.min.apply(null, nums); this.hi = Math.max.apply(null, nums);
      this.log = this.lo > 0 && this.hi / this.lo >= 100;
    } else {
      var seen = {};
      this.cats = values.map(text).filter(function (v) { if (seen[v]) return false; seen[v] = true; return true; }).sort();
    }
  }
  Axis.prototype.pos = function (v) {
    if (!this.numeric) { var i = this.cats.indexOf(text(v)); return this.cats.length < 2 ? 0.5 : i / (this.cats.length - 1); }
    if (typeof v !== 'number' || !isFinite(v)) return NaN;
    if (this.hi === this.lo) return 0.5;
    return this.log ? (Math.log(v) - Math.log(this.lo)) / (Math.log(this.hi) - Math.log(this.lo)) : (v - this.lo) / (this.hi - this.lo);
  };
  Axis.prototype.labels = function () {
    if (!this.numeric) return this.cats.map(function (c, i, a) { return [a.length < 2 ? 0.5 : i / (a.length - 1), c]; });
    return this.hi === this.lo ? [[0.5, T.fmt(this.lo)]] : [[0, T.fmt(this.lo)], [1, T.fmt(this.hi)]];
  };

  function Sweep(root) {
    this.root = root; this.brushes = {};
    var self = this;
    T.get('/api/runs?' + root.dataset.query).then(function (runs) { self.start(runs); })
      .catch(function (e) { root.textContent = 'could not load the runs: ' + e.message; });
  }

  Sweep.prototype.start = function (runs) {
    var self = this;
    this.runs = runs;
    var keys = {};
    runs.forEach(function (r) { Object.keys(r.params || {}).forEach(function (k) { keys[k] = true; }); });
    // Params that vary — but not names (a different string for every run says nothing).
    this.params = Object.keys(keys).sort().filter(function (k) {
      var seen = {}, strings = 0;
      runs.forEach(function (r) { var v = r.params[k]; seen[text(v)] = true; if (typeof v === 'string') strings++; });
      var distinct = Object.keys(seen).length;
      return distinct > 1 && !(strings === runs.length && distinct === runs.length && runs.length > 2);
    });
    var metrics = {};
    runs.forEach(function (r) { Object.keys(r.metrics || {}).forEach(function (k) { metrics[k] = true; }); });
    this.metrics = Object.keys(metrics).sort();
    if (this.params.length === 0 || this.metrics.length === 0) {
      this.root.appendChild(T.el('p', { class: 'muted' }, ['no param varies across these runs (or they have no metrics): nothing to sweep over']));
      return;
    }
    this.metric = this.metrics.indexOf('val_loss') >= 0 ? 'val_loss' : this.metrics[0];
    var pick = T.el('select', { id: 'sweep-metric' }, this.metrics.map(function (m) { return T.el('option', { value: m }, [m]); }));
    pick.value = this.metric;
    pick.addEventListener('change', function () { self.metric = pick.value; delete self.brushes[self.axes.length - 1]; self.draw(); });
    this.xParam = this.params[0];
    var xPick = T.el('select', { id: 'scatter-param' }, this.params.map(function (m) { return T.el('option', { value: m }, [m]); }));
    xPick.addEventListener('change', function () { self.xParam = xPick.value; self.draw(); });
    this.count = T.el('span', { id: 'sweep-count' });
    this.link = T.el('a', { id: 'sweep-compare', href: '#' }, ['compare selected']);
    this.root.appendChild(T.el('div', { class: 'toolbar' }, [T.el('label', {}, ['metric (final value) ', pick]),
      T.el('label', {}, ['scatter x ', xPick]), this.count, this.link,
      T.el('span', { class: 'muted' }, ['drag along an axis to brush; click an axis to clear it'])]));
    this.pc = svg('svg', { id: 'parallel', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H });
    this.sc = svg('svg', { id: 'scatter', viewBox: '0 0 440 300', width: 440, height: 300 });
    this.root.appendChild(T.el('div', { class: 'sweep' }, [this.pc, ' ', this.sc]));
    var colour = document.getElementById('colour-pick');
    if (colour) colour.addEventListener('change', function () { self.filter(); });
    this.draw();
  };

  Sweep.prototype.value = function (r, axis) { return axis.isMetric ? (r.metrics[this.metric] ? T.num(r.metrics[this.metric].last) : null) : r.params[axis.name]; };

  Sweep.prototype.draw = function () {
    var self = this, runs = this.runs;
    this.axes = this.params.map(function (p) { return new Axis(p, runs.map(function (r) { return r.params[p]; }), false); });
    var m = new Axis(this.metric, runs.map(function (r) { return r.metrics[self.metric] ? T.num(r.metrics[self.metric].last) : null; }), true);
    this.axes.push(m);
    this.metricAxis = m;
    this.pc.textContent = '';
    var n = this.axes.length, gap = n > 1 ? (W - 2 * SIDE) / (n - 1) : 0;
    this.ax = function (i) { return SIDE + i * gap; };
    this.ay = function (t) { return TOP + (1 - t) * (H - TOP - BOTTOM); };
    this.lines = runs.map(function (r) {
      var pts = self.axes.map(function (a, i) { var t = a.pos(self.value(r, a)); return isFinite(t) ? self.ax(i) + ',' + self.ay(t) : null; });
      var mt = m.pos(self.value(r, m));
      var line = svg('polyline', { class: 'pc-line', 'data-run': r.id, points: pts.filter(Boolean).join(' '), stroke: T.ramp(mt) },
        [svg('title', {}, [r.name + ' (' + r.id + '): ' + self.axes.map(function (a) { return a.name + '=' + text(self.value(r, a)); }).join(', ')])]);
      self.pc.appendChild(line);
      return line;
    });
    this.axes.forEach(function (a, i) { self.drawAxis(a, i); });
    this.drawScatter();
    this.filter();
  };

  Sweep.prototype.drawAxis = function (a, i) {
    var self = this, x = this.ax(i), g = svg('g', { class: 'pc-axis', 'data-axis': a.name });
    this.pc.appendChild(g);
    g.appendChild(svg('line', { x1: x, x2: x, y1: this.ay(0), y2: this.ay(1), stroke: '#333' }));
    g.appendChild(svg('text', { x: x, y: 14, 'text-anchor': 'middle', 'font-weight': a.isMetric ? 'bold' : 'normal' }, [a.name + (a.log ? ' (log)' : '')]));
    a.labels().forEach(function (l) { g.appendChild(svg('text', { x: x + 5, y: self.ay(l[0]) + 4 }, [l[1]])); });
    var hit = svg('rect', { class: 'pc-hit', x: x - 12, y: this.ay(1) - 4, width: 24, height: this.ay(0) - this.ay(1) + 8, fill: 'transparent', cursor: 'ns-resize' });
    g.appendChild(hit);
    var brush = svg('rect', { class: 'pc-brush', x: x - 8, width: 16, y: 0, height: 0, visibility: 'hidden', 'pointer-events': 'none' });
    g.appendChild(brush);
    var b = this.brushes[i];
    if (b) { brush.setAttribute('y', this.ay(b[1])); brush.setAttribute('height', this.ay(b[0]) - this.ay(b[1])); brush.setAttribute('visibility', 'visible'); }
    var start = null;
    function t(e) {
      var r = self.pc.getBoundingClientRect(), y = (e.clientY - r.top) * (H / r.height);
      return Math.max(0, Math.min(1, 1 - (y - TOP) / (H - TOP - BOTTOM)));
    }
    hit.addEventListener('mousedown', function (e) { start = t(e); e.preventDefault(); });
    window.addEventListener('mousemove', function (e) {
      if (start === null) return;
      var lo = Math.min(start, t(e)), hi = Math.max(start, t(e));
      brush.setAttribute('y', self.ay(hi)); brush.setAttribute('height', self.ay(lo) - self.ay(hi)); brush.setAttribute('visibility', 'visible');
    });
    window.addEventListener('mouseup', function (e) {
      if (start === null) return;
      var lo = Math.min(start, t(e)), hi = Math.max(start, t(e));
      start = null;
      if (hi - lo < 0.01) { delete self.brushes[i]; brush.setAttribute('visibility', 'hidden'); } else self.brushes[i] = [lo, hi];
      self.filter();
    });
  };

  Sweep.prototype.drawScatter = function () {
    var self = this, a = new Axis(this.xParam, this.runs.map(function (r) { return r.params[self.xParam]; }), false), m = this.metricAxis;
    var L = 60, R = 420, T0 = 20, B = 260;
    this.sc.textContent = '';
    this.sc.appendChild(svg('rect', { x: L, y: T0, width: R - L, height: B - T0, fill: 'none', stroke: '#999' }));
    this.sc.appendChild(svg('text', { x: (L + R) / 2, y: 292, 'text-anchor': 'middle', 'font-size': 12 }, [this.xParam + (a.log ? ' (log)' : '')]));
    this.sc.appendChild(svg('text', { x: 4, y: 12, 'font-size': 12 }, [this.metric]));
    a.labels().forEach(function (l) { self.sc.appendChild(svg('text', { x: L + l[0] * (R - L), y: B + 14, 'text-anchor': 'middle', 'font-size': 11 }, [l[1]])); });
    m.labels().forEach(function (l) { self.sc.appendChild(svg('text', { x: L - 4, y: B - l[0] * (B - T0) + 4, 'text-anchor': 'end', 'font-size': 11 }, [l[1]])); });
    this.dots = this.runs.map(function (r) {
      var tx = a.pos(r.params[self.xParam]), ty = m.pos(self.value(r, m));
      if (!isFinite(tx) || !isFinite(ty)) return null;
      var dot = svg('circle', { class: 'sc-dot', 'data-run': r.id, cx: L + tx * (R - L), cy: B - ty * (B - T0), r: 5, fill: T.ramp(ty), stroke: '#333' },
        [svg('title', {}, [r.name + ' (' + r.id + '): ' + self.xParam + '=' + text(r.params[self.xParam]) + ', ' + self.metric + '=' + T.fmt(self.value(r, m))])]);
      self.sc.appendChild(dot);
      return dot;
    });
  };

  // Keeps the runs inside every brush; dims the others, in both charts.
  Sweep.prototype.filter = function () {
    var self = this, kept = [];
    this.runs.forEach(function (r, i) {
      var inside = Object.keys(self.brushes).every(function (k) {
        var a = self.axes[k], t = a && a.pos(self.value(r, a)), b = self.brushes[k];
        return a && isFinite(t) && t >= b[0] - 1e-9 && t <= b[1] + 1e-9;
      });
      self.lines[i].classList.toggle('dim', !inside);
      if (self.dots[i]) self.dots[i].classList.toggle('dim', !inside);
      if (inside) kept.push(r.id);
    });
    this.root.dataset.selected = kept.join(',');
    this.count.textContent = kept.length + ' of ' + this.runs.length + ' runs selected';
    var colour = document.getElementById('colour-pick');
    this.link.href = '/compare?' + kept.map(function (id) { return 'run=' + encodeURIComponent(id); }).join('&')
      + (colour && colour.value ? '&colour=' + encodeURIComponent(colour.value) : '');
  };

  T.Sweep = Sweep;
  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('sweep-view');
    if (root) T.sweep = new Sweep(root);
  });
})();
