// tracker UI — one chart panel on a canvas: lines of several runs, hover crosshair with each
// run's value, drag to zoom, double-click to reset, alerts drawn at their steps.
'use strict';
(function () {
  var T = window.T;
  var M = { l: 58, r: 12, t: 10, b: 30 }, HEIGHT = 250;

  // spec: {id, title, lines: [{run, key, dash}], shade, showKey}; ex: the Explorer that owns the data.
  function Panel(ex, spec) {
    this.ex = ex; this.spec = spec;
    this.base = T.el('canvas', { class: 'base' });
    this.over = T.el('canvas', { class: 'over' });
    this.tip = T.el('div', { class: 'tip', hidden: '' });
    var stage = T.el('div', { class: 'stage' }, [this.base, this.over, this.tip]);
    this.root = T.el('div', { class: 'panel', 'data-panel': spec.id }, [T.el('div', { class: 'ptitle' }, [spec.title]), stage]);
    this.drag = null; this.lines = [];
    var self = this;
    this.over.addEventListener('mousemove', function (e) { self.move(e); });
    this.over.addEventListener('mouseleave', function () { self.box = null; if (!self.drag) self.clearHover(); });
    this.over.addEventListener('mouseenter', function () { self.box = null; });
    window.addEventListener('scroll', function () { self.box = null; }, { passive: true });
    this.over.addEventListener('mousedown', function (e) { self.drag = { x0: self.px(e), x1: self.px(e) }; e.preventDefault(); });
    window.addEventListener('mouseup', function (e) { self.up(e); });
    this.over.addEventListener('dblclick', function () { self.ex.resetZoom(); });
  }

  // The canvas's place on screen, read once per visit: reading it after the tooltip changed
  // would force a layout of the whole page on every mouse move.
  Panel.prototype.rect = function () { return this.box || (this.box = this.over.getBoundingClientRect()); };
  Panel.prototype.px = function (e) { return e.clientX - this.rect().left; };
  Panel.prototype.py = function (e) { return e.clientY - this.rect().top; };

  // Lines as drawn: display xs, raw ys, smoothed ys; the domains they span.
  Panel.prototype.prepare = function () {
    var ex = this.ex, lines = [], xr = ex.range, x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity, logY = ex.logY;
    this.spec.lines.forEach(function (l) {
      if (ex.hidden[l.run]) return;
      var s = ex.series(l.run, l.key);
      if (!s || s.pts.length === 0) return;
      var xs = s.pts.map(function (p) { return ex.xOf(l.run, p[0]); });
      var ys = s.pts.map(function (p) { return p[1]; });
      var sm = T.ema(ys, ex.smooth);
      lines.push({ run: l.run, key: l.key, dash: l.dash, colour: ex.colourOf(l.run), steps: s.pts.map(function (p) { return p[0]; }), xs: xs, ys: ys, sm: sm });
      for (var i = 0; i < xs.length; i++) {
        if (xs[i] < x0) x0 = xs[i];
        if (xs[i] > x1) x1 = xs[i];
        if (xr && (xs[i] < xr[0] || xs[i] > xr[1])) continue;
        [ys[i], sm[i]].forEach(function (y) {
          if (!isFinite(y) || (logY && !(y > 0))) return;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        });
      }
    });
    if (xr) { x0 = xr[0]; x1 = xr[1]; }
    if (!(x1 > x0)) { x0 = isFinite(x0) ? x0 - 1 : 0; x1 = x0 + 2; }
    if (!isFinite(y0)) { y0 = logY ? 0.1 : 0; y1 = logY ? 1 : 1; }
    if (logY) { y0 = Math.log10(y0); y1 = Math.log10(y1); }
    if (!(y1 > y0)) { y0 -= 0.5; y1 += 0.5; }
    var pad = (y1 - y0) * 0.04;
    this.lines = lines; this.dom = { x0: x0, x1: x1, y0: y0 - pad, y1: y1 + pad };
  };

  Panel.prototype.size = function () {
    var w = Math.max(320, Math.floor(this.root.clientWidth || 480)), dpr = window.devicePixelRatio || 1;
    [this.base, this.over].forEach(function (c) {
      c.width = Math.round(w * dpr); c.height = Math.round(HEIGHT * dpr);
      c.style.width = w + 'px'; c.style.height = HEIGHT + 'px';
    });
    this.w = w; this.h = HEIGHT; this.dpr = dpr; this.box = null;
  };

  Panel.prototype.sx = function (x) { var d = this.dom; return M.l + (x - d.x0) / (d.x1 - d.x0) * (this.w - M.l - M.r); };
  Panel.prototype.ux = function (px) { var d = this.dom; return d.x0 + (px - M.l) / (this.w - M.l - M.r) * (d.x1 - d.x0); };
  Panel.prototype.sy = function (y) {
    var d = this.dom, v = this.ex.logY ? (y > 0 ? Math.log10(y) : NaN) : y;
    return this.h - M.b - (v - d.y0) / (d.y1 - d.y0) * (this.h - M.t - M.b);
  };

  Panel.prototype.draw = function () {
    this.size(); this.prepare();
    var c = this.base.getContext('2d'), d = this.dom, self = this, ex = this.ex;
    c.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    c.clearRect(0, 0, this.w, this.h);
    c.font = '11px system-ui,sans-serif'; c.fillStyle = '#555'; c.strokeStyle = '#eee'; c.lineWidth = 1;
    T.ticks(d.x0, d.x1, 6).forEach(function (v) {
      var x = self.sx(v); c.beginPath(); c.moveTo(x, M.t); c.lineTo(x, self.h - M.b); c.stroke();
      c.textAlign = 'center'; c.fillText(T.tick(v), x, self.h - M.b + 14);
    });
    T.ticks(d.y0, d.y1, 5).forEach(function (v) {
      var y = self.h - M.b - (v - d.y0) / (d.y1 - d.y0) * (self.h - M.t - M.b);
      c.beginPath(); c.moveTo(M.l, y); c.lineTo(self.w - M.r, y); c.stroke();
      c.textAlign = 'right'; c.fillText(T.tick(ex.logY ? Math.pow(10, v) : v), M.l - 4, y + 4);
    });
    c.textAlign = 'center'; c.fillText(ex.axisLabel(), (M.l + this.w - M.r) / 2, this.h - 4);
    c.save(); c.beginPath(); c.rect(M.l, M.t, this.w - M.l - M.r, this.h - M.t - M.b); c.clip();
    if (this.spec.shade && this.lines.length === 2) this.shade(c);
    this.lines.forEach(function (l) {
      if (ex.smooth > 0) self.path(c, l.xs, l.ys, l.colour, l.dash, 0.25);
      self.path(c, l.xs, ex.smooth > 0 ? l.sm : l.ys, l.colour, l.dash, 1);
    });
    this.alerts(c);
    c.restore();
    c.strokeStyle = '#999'; c.strokeRect(M.l, M.t, this.w - M.l - M.r, this.h - M.t - M.b);
    this.root.dataset.x0 = d.x0; this.root.dataset.x1 = d.x1;
    this.root.dataset.points = this.lines.reduce(function (n, l) { return n + l.xs.length; }, 0);
  };

  Panel.prototype.path = function (c, xs, ys, colour, dash, alpha) {
    c.globalAlpha = alpha; c.strokeStyle = colour; c.lineWidth = 1.6; c.setLineDash(dash ? [5, 3] : []);
    c.beginPath();
    var pen = false;
    for (var i = 0; i < xs.length; i++) {
      var y = this.sy(ys[i]);
      if (!isFinite(y)) { pen = false; continue; }
      var x = this.sx(xs[i]);
      if (pen) c.lineTo(x, y); else c.moveTo(x, y);
      pen = true;
    }
    c.stroke(); c.setLineDash([]);
    // A lone point (a metric logged once) has no line to draw: a dot instead.
    for (var j = 0; j < xs.length; j++) {
      var lone = (j === 0 || !isFinite(this.sy(ys[j - 1]))) && (j === xs.length - 1 || !isFinite(this.sy(ys[j + 1])));
      if (lone && isFinite(this.sy(ys[j]))) { c.fillStyle = colour; c.beginPath(); c.arc(this.sx(xs[j]), this.sy(ys[j]), 3, 0, 7); c.fill(); }
    }
    c.globalAlpha = 1;
  };

  // The gap between the two lines of a train-vs-validation panel, shaded.
  Panel.prototype.shade = function (c) {
    var a = this.lines[0], b = this.lines[1], ex = this.ex, self = this;
    var ay = ex.smooth > 0 ? a.sm : a.ys, by = ex.smooth > 0 ? b.sm : b.ys, top = [], bottom = [];
    for (var i = 0; i < b.xs.length; i++) {
      var ya = T.interp(a.xs, ay, b.xs[i]);
      if (!isFinite(ya) || !isFinite(by[i]) || b.xs[i] < a.xs[0] || b.xs[i] > a.xs[a.xs.length - 1]) continue;
      top.push([self.sx(b.xs[i]), self.sy(by[i])]); bottom.push([self.sx(b.xs[i]), self.sy(ya)]);
    }
    if (top.length < 2) return;
    c.globalAlpha = 0.18; c.fillStyle = a.colour; c.beginPath();
    top.forEach(function (p, i) { if (i === 0) c.moveTo(p[0], p[1]); else c.lineTo(p[0], p[1]); });
    bottom.reverse().forEach(function (p) { c.lineTo(p[0], p[1]); });
    c.closePath(); c.fill(); c.globalAlpha = 1;
  };

  Panel.prototype.visibleAlerts = function () {
    var ex = this.ex, runs = {}, out = [];
    this.lines.forEach(function (l) { runs[l.run] = true; });
    (ex.spec.alerts || []).forEach(function (a) {
      if (!runs[a.run]) return;
      var x = ex.xOf(a.run, a.step);
      if (x >= this.dom.x0 && x <= this.dom.x1) out.push({ a: a, px: this.sx(x) });
    }, this);
    return out;
  };

  Panel.prototype.alerts = function (c) {
    var self = this;
    this.visibleAlerts().forEach(function (v) {
      c.strokeStyle = v.a.level === 'error' ? '#c62828' : '#ef6c00'; c.setLineDash([3, 3]);
      c.beginPath(); c.moveTo(v.px, M.t); c.lineTo(v.px, self.h - M.b); c.stroke(); c.setLineDash([]);
      c.fillStyle = c.strokeStyle; c.beginPath(); c.moveTo(v.px - 5, M.t); c.lineTo(v.px + 5, M.t); c.lineTo(v.px, M.t + 8); c.fill();
    });
  };

  Panel.prototype.clearHover = function () {
    var c = this.over.getContext('2d'); c.setTransform(1, 0, 0, 1, 0, 0); c.clearRect(0, 0, this.over.width, this.over.height);
    this.tip.hidden = true;
  };

  // Crosshair at the mouse, each visible line's nearest point marked and listed in the tooltip.
  Panel.prototype.move = function (e) {
    var px = this.px(e), ex = this.ex, self = this;
    if (!this.dom) return;
    var c = this.over.getContext('2d');
    c.setTransform(this.dpr, 0, 0, this.dpr, 0, 0); c.clearRect(0, 0, this.w, this.h);
    if (this.drag) {
      this.drag.x1 = px;
      c.fillStyle = 'rgba(33,150,243,0.15)';
      c.fillRect(Math.min(this.drag.x0, px), M.t, Math.abs(px - this.drag.x0), this.h - M.t - M.b);
      return;
    }
    if (px < M.l || px > this.w - M.r) { this.tip.hidden = true; return; }
    var x = this.ux(px);
    c.strokeStyle = '#888'; c.beginPath(); c.moveTo(px, M.t); c.lineTo(px, this.h - M.b); c.stroke();
    var rows = [T.el('div', { class: 'tip-x' }, [ex.axisLabel() + ' ' + T.fmt(x)])];
    this.lines.forEach(function (l) {
      var i = T.nearest(l.xs, x);
      if (i < 0) return;
      var shown = ex.smooth > 0 ? l.sm[i] : l.ys[i];
      var y = self.sy(shown);
      if (isFinite(y)) { c.fillStyle = l.colour; c.beginPath(); c.arc(self.sx(l.xs[i]), y, 3.5, 0, 7); c.fill(); }
      var text = ex.label(l.run) + (self.spec.showKey ? ' ' + l.key : '') + ': ' + T.fmt(l.ys[i])
        + (ex.smooth > 0 ? ' (smoothed ' + T.fmt(l.sm[i]) + ')' : '') + ' @ step ' + l.steps[i];
      rows.push(T.el('div', { class: 'tip-row', 'data-run': l.run, 'data-key': l.key, 'data-step': String(l.steps[i]),
        'data-value': String(l.ys[i]), 'data-smoothed': String(l.sm[i]), style: 'border-left:4px solid ' + l.colour }, [text]));
    });
    this.visibleAlerts().forEach(function (v) {
      if (Math.abs(v.px - px) <= 5) rows.push(T.el('div', { class: 'tip-alert' }, ['⚠ ' + v.a.kind + ' (step ' + v.a.step + '): ' + v.a.message]));
    });
    this.tip.textContent = '';
    rows.forEach(function (r) { self.tip.appendChild(r); });
    this.tip.hidden = false;
    this.tip.style.left = (px + 14 > this.w - 260 ? Math.max(0, px - 270) : px + 14) + 'px';
    this.tip.style.top = Math.max(0, this.py(e) - 10) + 'px';
  };

  Panel.prototype.up = function (e) {
    if (!this.drag) return;
    var d = this.drag; this.drag = null; this.clearHover();
    if (Math.abs(d.x1 - d.x0) < 6) return;
    var a = this.ux(Math.max(M.l, Math.min(d.x0, d.x1))), b = this.ux(Math.min(this.w - M.r, Math.max(d.x0, d.x1)));
    if (b > a) this.ex.zoom(a, b);
  };

  T.Panel = Panel;
})();
