// tracker UI — shared helpers: fetching, colours, number formatting, smoothing, scales.
// Plain JavaScript, no dependencies; every view module uses window.T.
'use strict';
(function () {
  var T = window.T = window.T || {};

  // GET a JSON document; a non-2xx answer rejects with the server's message.
  T.get = function (url) {
    return fetch(url).then(function (r) {
      if (r.ok) return r.json();
      return r.text().then(function (t) { throw new Error(r.status + ': ' + t); });
    });
  };

  // A distinct colour for the i-th run: hues a golden angle apart, three lightness bands,
  // so 20 runs stay tellable apart and a run keeps its colour across panels.
  T.colour = function (i) {
    var h = Math.round((i * 137.508 + 210) % 360), l = [40, 55, 30][Math.floor(i / 7) % 3];
    return 'hsl(' + h + ',72%,' + l + '%)';
  };

  // A number as a chart shows it: 4–6 significant digits, exponent form when tiny or huge.
  T.fmt = function (v) {
    if (v === null || v === undefined || isNaN(v)) return 'NaN';
    if (!isFinite(v)) return v > 0 ? '∞' : '−∞';
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
    return String(Number(v.toPrecision(6)));
  };

  // An axis tick: at most 3 significant digits, so labels fit the margin.
  T.tick = function (v) {
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(1);
    return String(Number(v.toPrecision(3)));
  };

  // A stored value from the API ("NaN", "Infinity" arrive as strings).
  T.num = function (v) { return typeof v === 'number' ? v : Number(v); };

  // TensorBoard's debiased exponential moving average (weight w in [0, 1)); non-finite
  // values pass through and do not disturb the average.
  T.ema = function (ys, w) {
    if (!(w > 0)) return ys;
    var out = new Array(ys.length), last = 0, n = 0;
    for (var i = 0; i < ys.length; i++) {
      var y = ys[i];
      if (!isFinite(y)) { out[i] = y; continue; }
      last = last * w + (1 - w) * y; n++;
      out[i] = last / (1 - Math.pow(w, n));
    }
    return out;
  };

  // Index of the element of sorted xs nearest to x.
  T.nearest = function (xs, x) {
    var lo = 0, hi = xs.length - 1;
    if (hi < 0) return -1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] < x) lo = mid; else hi = mid; }
    return Math.abs(xs[lo] - x) <= Math.abs(xs[hi] - x) ? lo : hi;
  };

  // Linear interpolation through (xs, ys), both sorted by xs; clamped at the ends.
  T.interp = function (xs, ys, x) {
    var n = xs.length;
    if (n === 0) return NaN;
    if (x <= xs[0]) return ys[0];
    if (x >= xs[n - 1]) return ys[n - 1];
    var lo = 0, hi = n - 1;
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (xs[mid] <= x) lo = mid; else hi = mid; }
    var t = (x - xs[lo]) / ((xs[hi] - xs[lo]) || 1);
    return ys[lo] + t * (ys[hi] - ys[lo]);
  };

  // Keeps first, min, max and last point of each of `buckets` x ranges (as the server does),
  // so a live series that keeps growing stays bounded in memory.
  T.minmax = function (pts, buckets) {
    if (pts.length <= buckets * 4) return pts;
    var x0 = pts[0][0], span = (pts[pts.length - 1][0] - x0) || 1, out = [], cur = -1, b0 = 0, lo = -1, hi = -1, last = 0;
    function flush() {
      if (cur < 0) return;
      var picks = [b0, lo, hi, last].filter(function (i) { return i >= 0; }).sort(function (a, b) { return a - b; });
      for (var k = 0; k < picks.length; k++) if (k === 0 || picks[k] !== picks[k - 1]) out.push(pts[picks[k]]);
    }
    for (var i = 0; i < pts.length; i++) {
      var b = Math.min(buckets - 1, Math.floor((pts[i][0] - x0) / span * buckets));
      if (b !== cur) { flush(); cur = b; b0 = i; lo = -1; hi = -1; }
      var y = pts[i][1];
      if (isFinite(y)) { if (lo < 0 || y < pts[lo][1]) lo = i; if (hi < 0 || y > pts[hi][1]) hi = i; }
      last = i;
    }
    flush();
    return out;
  };

  // About n round tick values covering [lo, hi].
  T.ticks = function (lo, hi, n) {
    if (!(hi > lo)) return [lo];
    var step = Math.pow(10, Math.floor(Math.log10((hi - lo) / n))), err = (hi - lo) / n / step;
    if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return out;
  };

  // A sequential colour for t in [0, 1]: the heat map's ramp without its palest end, so
  // every value stays visible on white. NaN gets grey.
  T.seq = function (t) { return isFinite(t) ? T.ramp(Math.max(0, Math.min(1, t)) * 0.86) : '#9e9e9e'; };

  // The colour scale of one param over the runs' values (null: the run lacks it):
  // {numeric, lo, hi, log, colour(v), cats}. Numbers (all finite) get the sequential scale,
  // logarithmic when positive and spanning 100×; anything else (text, booleans, mixed) is
  // categorical, one distinct colour per value in sorted order. Missing values are grey.
  T.paramScale = function (values) {
    var present = values.filter(function (v) { return v !== null && v !== undefined; });
    var numeric = present.length > 0 && present.every(function (v) { return typeof v === 'number' && isFinite(v); });
    var s = { numeric: numeric };
    if (numeric) {
      s.lo = Math.min.apply(null, present); s.hi = Math.max.apply(null, present);
      s.log = s.lo > 0 && s.hi / s.lo >= 100;
      s.t = function (v) {
        if (typeof v !== 'number' || !isFinite(v)) return NaN;
        if (s.hi === s.lo) return 0.5;
        return s.log ? (Math.log(v) - Math.log(s.lo)) / (Math.log(s.hi) - Math.log(s.lo)) : (v - s.lo) / (s.hi - s.lo);
      };
      s.colour = function (v) { return T.seq(s.t(v)); };
    } else {
      var seen = {};
      s.cats = present.map(String).filter(function (v) { if (seen[v]) return false; seen[v] = true; return true; })
        .sort(function (a, b) { return a.localeCompare(b, undefined, { numeric: true }); });
      s.colour = function (v) {
        var i = v === null || v === undefined ? -1 : s.cats.indexOf(String(v));
        return i < 0 ? '#9e9e9e' : T.colour(i);
      };
    }
    return s;
  };

  // Makes an element: T.el('div', {class: 'x'}, [children or text]).
  T.el = function (tag, attrs, kids) {
    var e = document.createElement(tag);
    for (var k in (attrs || {})) e.setAttribute(k, attrs[k]);
    (kids || []).forEach(function (c) { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  };

  // A colour from blue (t = 0) through green to yellow (t = 1), as the heat map uses.
  T.ramp = function (t) {
    t = Math.max(0, Math.min(1, isFinite(t) ? t : 0));
    var stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
    var f = t * (stops.length - 1), i = Math.min(stops.length - 2, Math.floor(f)), u = f - i, a = stops[i], b = stops[i + 1];
    return 'rgb(' + [0, 1, 2].map(function (k) { return Math.round(a[k] + u * (b[k] - a[k])); }).join(',') + ')';
  };
})();
