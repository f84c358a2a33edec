// tracker UI — the charts view of the run and compare pages: one panel per metric with every
// selected run, a legend that hides runs, colour by a chosen param (distinct colours for
// categories, a sequential scale with its range for numbers, with a legend), a panel picker,
// train-vs-validation pairs, smoothing, log y, step/epoch/wall-time x axes, zoom that
// re-fetches detail, and live updates.
// Reads its runs and keys from #explorer[data-spec]; the server-drawn SVG charts stay for
// readers without JavaScript and are hidden once this view has drawn.
'use strict';
(function () {
  var T = window.T;
  var POLL_MS = 2000, MAX_SERIES_PER_REQUEST = 600, PARALLEL = 4;

  function Explorer(root) {
    this.root = root;
    this.spec = JSON.parse(root.dataset.spec);
    this.runs = this.spec.runs; this.keys = this.spec.keys;
    this.hidden = {}; this.shown = {}; this.data = {}; this.full = {}; this.clocks = {}; this.status = {};
    this.colourBy = this.spec.colourBy || ''; this.scale = null;
    this.smooth = 0; this.logY = false; this.axis = 'step'; this.view = 'panels'; this.range = null; this.stepRange = null;
    this.fetched = 0; this.requests = 0; this.generation = 0; this.panels = [];
    var self = this;
    this.keys.forEach(function (k) { self.shown[k] = self.spec.hiddenKeys.indexOf(k) < 0; });
    this.runs.forEach(function (r) { r.params = r.params || {}; self.status[r.id] = r.status; });
    this.toolbar(); this.legend(); this.recolour();
    this.grid = T.el('div', { class: 'panels', id: 'panels' });
    root.appendChild(this.grid);
    window.addEventListener('resize', function () { self.draw(); });
    this.load().then(function () {
      document.querySelectorAll('.static-charts').forEach(function (e) { e.hidden = true; });
      if (self.spec.live) self.poll();
    });
  }

  Explorer.prototype.runCount = function () { return this.runs.length; };
  Explorer.prototype.colourOf = function (id) { var r = this.runs.find(function (r) { return r.id === id; }); return r ? r.colour : '#000'; };
  Explorer.prototype.label = function (id) { var r = this.runs.find(function (r) { return r.id === id; }); return r ? r.name + ' (' + r.id + ')' : id; };
  Explorer.prototype.series = function (run, key) { return this.data[run + '\u0000' + key]; };
  Explorer.prototype.axisLabel = function () { return { step: 'step', epoch: 'epoch', time: 'seconds' }[this.axis]; };

  // A step shown on the chosen x axis: itself, or the run's epoch or seconds since its first point,
  // interpolated through the run's clock.
  Explorer.prototype.xOf = function (run, step) {
    if (this.axis === 'step') return step;
    var c = this.clocks[run] && this.clocks[run][this.axis];
    if (!c || c[0].length === 0) return step;
    return T.interp(c[0], c[1], step);
  };
  Explorer.prototype.stepOf = function (run, x) {
    if (this.axis === 'step') return x;
    var c = this.clocks[run] && this.clocks[run][this.axis];
    if (!c || c[0].length === 0) return x;
    return T.interp(c[1], c[0], x);
  };

  Explorer.prototype.toolbar = function () {
    var self = this;
    var axis = T.el('select', { id: 'x-axis' }, [T.el('option', { value: 'step' }, ['step']), T.el('option', { value: 'epoch' }, ['epoch']),
      T.el('option', { value: 'time' }, ['relative wall time'])]);
    axis.addEventListener('change', function () { self.axis = axis.value; self.range = null; self.stepRange = null; self.load(); });
    var smooth = T.el('input', { id: 'smoothing', type: 'range', min: '0', max: '0.99', step: '0.01', value: '0' });
    var smoothText = T.el('span', { id: 'smoothing-value' }, ['0']);
    smooth.addEventListener('input', function () { self.smooth = Number(smooth.value); smoothText.textContent = smooth.value; self.draw(); });
    var log = T.el('input', { id: 'log-y', type: 'checkbox' });
    log.addEventListener('change', function () { self.logY = log.checked; self.draw(); });
    var view = T.el('select', { id: 'view' }, [T.el('option', { value: 'panels' }, ['one panel per metric']),
      T.el('option', { value: 'pairs' }, ['train vs validation'])]);
    view.addEventListener('change', function () { self.view = view.value; self.load(); });
    var reset = T.el('button', { id: 'reset-zoom', type: 'button' }, ['reset zoom']);
    reset.addEventListener('click', function () { self.resetZoom(); });
    var picker = T.el('details', { id: 'panel-picker' }, [T.el('summary', {}, ['panels'])]);
    this.keys.forEach(function (k) {
      var box = T.el('input', { type: 'checkbox', 'data-key': k });
      box.checked = self.shown[k];
      box.addEventListener('change', function () { self.shown[k] = box.checked; self.load(); });
      picker.appendChild(T.el('label', {}, [box, ' ' + k]));
    });
    this.info = T.el('span', { id: 'explorer-info', class: 'muted' });
    var items = [T.el('label', {}, ['x ', axis]), T.el('label', {}, ['smoothing ', smooth, ' ', smoothText]),
      T.el('label', {}, [log, ' log y']), T.el('label', {}, ['view ', view])];
    var params = this.spec.colourParams || [];
    if (params.length) {
      var colour = T.el('select', { id: 'colour-by' }, [T.el('option', { value: '' }, ['run (one colour each)'])]
        .concat(params.map(function (p) { return T.el('option', { value: p }, [p]); })));
      colour.value = this.colourBy;
      colour.addEventListener('change', function () { self.colourBy = colour.value; self.recolour(); self.remember(); self.draw(); });
      items.push(T.el('label', {}, ['colour by ', colour]));
    }
    this.root.appendChild(T.el('div', { class: 'toolbar' }, items.concat([reset, picker, this.info])));
  };

  // The run legend (click a run to hide or show it) and, below it, the colour legend of the
  // chosen param (recolour() fills it).
  Explorer.prototype.legend = function () {
    var self = this, box = T.el('div', { id: 'legend', class: 'legend' });
    this.legendItems = {};
    this.runs.forEach(function (r) {
      var swatch = T.el('i', {}), text = T.el('span', {}, [r.name + ' (' + r.id + ')']);
      var item = T.el('button', { type: 'button', class: 'legend-item', 'data-run': r.id, 'aria-pressed': 'true' }, [swatch, text]);
      item.addEventListener('click', function () { self.toggle([r.id], !self.hidden[r.id]); });
      self.legendItems[r.id] = { item: item, swatch: swatch, text: text };
      box.appendChild(item);
    });
    this.scaleBox = T.el('div', { id: 'colour-legend', class: 'legend colour-legend', hidden: '' });
    this.root.appendChild(box);
    this.root.appendChild(this.scaleBox);
  };

  // Hides (or shows) runs, marking their legend entries and the categories left empty.
  Explorer.prototype.toggle = function (ids, hide) {
    var self = this;
    ids.forEach(function (id) {
      self.hidden[id] = hide;
      var l = self.legendItems[id];
      l.item.classList.toggle('off', hide); l.item.setAttribute('aria-pressed', hide ? 'false' : 'true');
    });
    this.markCategories();
    this.draw();
  };

  Explorer.prototype.paramOf = function (r) { var v = r.params[this.colourBy]; return v === undefined ? null : v; };
  Explorer.prototype.paramText = function (v) { return v === null ? '–' : typeof v === 'number' ? T.fmt(v) : String(v); };

  // Colours every run: one distinct colour each, or by the chosen param's scale; redraws the
  // legends (the caller redraws the panels).
  Explorer.prototype.recolour = function () {
    var self = this, p = this.colourBy, box = this.scaleBox;
    this.scale = p ? T.paramScale(this.runs.map(function (r) { return self.paramOf(r); })) : null;
    this.runs.forEach(function (r, i) {
      r.colour = self.scale ? self.scale.colour(self.paramOf(r)) : T.colour(i);
      var l = self.legendItems[r.id];
      l.swatch.style.background = r.colour; l.item.dataset.colour = r.colour;
      l.text.textContent = r.name + ' (' + r.id + ')' + (p ? ' · ' + self.paramText(self.paramOf(r)) : '');
    });
    this.root.dataset.colourBy = p;
    box.textContent = '';
    box.hidden = !this.scale;
    if (!this.scale) return;
    var s = this.scale;
    box.dataset.param = p; box.dataset.kind = s.numeric ? 'numeric' : 'categorical';
    box.appendChild(T.el('span', { class: 'colour-title' }, [p + ':']));
    if (s.numeric) {
      var stops = [];
      for (var k = 0; k <= 10; k++) stops.push(T.seq(k / 10) + ' ' + k * 10 + '%');
      box.dataset.lo = s.lo; box.dataset.hi = s.hi; box.dataset.log = s.log;
      box.appendChild(T.el('span', { class: 'scale-lo', 'data-colour': s.colour(s.lo) }, [T.fmt(s.lo)]));
      box.appendChild(T.el('span', { class: 'scale-bar', style: 'background:linear-gradient(to right,' + stops.join(',') + ')' }));
      box.appendChild(T.el('span', { class: 'scale-hi', 'data-colour': s.colour(s.hi) }, [T.fmt(s.hi)]));
      if (s.hi > s.lo) box.appendChild(T.el('span', { class: 'muted' }, [(s.log ? 'log scale, ' : '') + 'middle ' + T.fmt(s.log ? Math.sqrt(s.lo * s.hi) : (s.lo + s.hi) / 2)]));
    } else {
      // One entry per value; clicking it hides or shows every run with that value.
      var groups = s.cats.map(function (c) { return { value: c, colour: s.colour(c) }; });
      if (this.runs.some(function (r) { return self.paramOf(r) === null; })) groups.push({ value: null, colour: s.colour(null) });
      groups.forEach(function (g) {
        var ids = self.runs.filter(function (r) { var v = self.paramOf(r); return g.value === null ? v === null : v !== null && String(v) === g.value; })
          .map(function (r) { return r.id; });
        var item = T.el('button', { type: 'button', class: 'legend-item', 'data-value': g.value === null ? '' : g.value, 'data-colour': g.colour },
          [T.el('i', { style: 'background:' + g.colour }), (g.value === null ? 'not set' : g.value) + ' (' + ids.length + ')']);
        item.addEventListener('click', function () { self.toggle(ids, !ids.every(function (id) { return self.hidden[id]; })); });
        item.runIDs = ids;
        box.appendChild(item);
      });
    }
    this.markCategories();
  };

  Explorer.prototype.markCategories = function () {
    var self = this;
    (this.scaleBox ? this.scaleBox.querySelectorAll('.legend-item') : []).forEach(function (item) {
      item.classList.toggle('off', item.runIDs.length > 0 && item.runIDs.every(function (id) { return self.hidden[id]; }));
    });
  };

  // Keeps the chosen colouring in the address (?colour=PARAM), so a reload or a shared link keeps it.
  Explorer.prototype.remember = function () {
    var u = new URL(window.location.href);
    if (this.colourBy) u.searchParams.set('colour', this.colourBy); else u.searchParams.delete('colour');
    window.history.replaceState(null, '', u.toString());
  };

  // Panels of the current view: one per shown metric, or one per run and train/val pair.
  Explorer.prototype.specs = function () {
    var self = this, out = [];
    if (this.view === 'pairs') {
      this.pairs().forEach(function (p) {
        self.runs.forEach(function (r) {
          out.push({ id: 'pair:' + p.name + ':' + r.id, title: p.name + ' · ' + r.name + ' — ' + p.train + ' solid, ' + p.val + ' dashed, gap shaded',
            lines: [{ run: r.id, key: p.train, dash: false }, { run: r.id, key: p.val, dash: true }], shade: true, showKey: true });
        });
      });
      return out;
    }
    return this.keys.filter(function (k) { return self.shown[k]; }).map(function (k) {
      return { id: k, title: k, lines: self.runs.map(function (r) { return { run: r.id, key: k, dash: false }; }), shade: false };
    });
  };

  Explorer.prototype.pairs = function () {
    var keys = this.keys, out = [];
    keys.forEach(function (k) {
      if (k.indexOf('train_') !== 0) return;
      var rest = k.slice(6);
      if (keys.indexOf('val_' + rest) >= 0) out.push({ name: rest, train: k, val: 'val_' + rest });
    });
    return out;
  };

  Explorer.prototype.neededKeys = function () {
    var set = {};
    this.specs().forEach(function (s) { s.lines.forEach(function (l) { set[l.key] = true; }); });
    return Object.keys(set);
  };

  Explorer.prototype.pointsPerSeries = function () {
    return Math.max(200, Math.min(2000, Math.round((this.grid.clientWidth || 1000) / (this.view === 'pairs' ? 2 : 2))));
  };

  // Fetches every needed series (at the zoomed step range when zoomed), then draws.
  // keepPanels: the same panels (a zoom), so only their data changes.
  Explorer.prototype.load = function (keepPanels) {
    var self = this, keys = this.neededKeys(), gen = ++this.generation;
    if (!keepPanels || this.panels.length === 0) this.build();
    if (keys.length === 0) { this.draw(); return Promise.resolve(); }
    // Up to PARALLEL requests at once (the server answers them on several threads), the first
    // panels' keys first; each answer is drawn as it arrives.
    var perRequest = Math.max(1, Math.min(Math.floor(MAX_SERIES_PER_REQUEST / this.runs.length), Math.ceil(keys.length / PARALLEL)));
    var clock = this.axis !== 'step' && Object.keys(this.clocks).length < this.runs.length, jobs = [];
    for (var i = 0; i < keys.length; i += perRequest) {
      var q = this.runs.map(function (r) { return 'run=' + encodeURIComponent(r.id); })
        .concat(keys.slice(i, i + perRequest).map(function (k) { return 'key=' + encodeURIComponent(k); }));
      q.push('points=' + this.pointsPerSeries());
      if (this.stepRange) { q.push('from=' + this.stepRange[0]); q.push('to=' + this.stepRange[1]); }
      if (clock && i === 0) q.push('clock=1');
      jobs.push(T.get('/api/series?' + q.join('&')).then(function (a) {
        if (gen !== self.generation) return;
        self.absorb(a, false);
        self.draw();
      }));
    }
    this.requests += jobs.length;
    this.root.dataset.pending = jobs.length;
    return Promise.all(jobs).then(function () {
      if (gen === self.generation) self.root.dataset.pending = 0;
    }).catch(function (e) { self.info.textContent = 'could not load the series: ' + e.message; });
  };


  // Takes a /api/series answer in: replaces the series (or appends to them when live).
  Explorer.prototype.absorb = function (a, append) {
    var self = this, cap = this.pointsPerSeries() * 8, added = 0;
    a.series.forEach(function (s) {
      var id = s.run + '\u0000' + s.key, pts = s.points.map(function (p) { return [p[0], T.num(p[1])]; });
      self.fetched += pts.length;
      var old = self.data[id];
      if (append && old) {
        var last = old.pts.length ? old.pts[old.pts.length - 1][0] : -Infinity;
        pts = pts.filter(function (p) { return p[0] > last; });
        added += pts.length;
        old.pts = T.minmax(old.pts.concat(pts), cap / 4 > 0 ? Math.floor(cap / 4) : 1);
        old.total = s.total; old.more = s.more;
      } else if (self.stepRange && self.full[id]) {
        // A zoomed range, with the full view's nearest points outside it, so a line runs
        // to the edges even when few of its points fall inside (per-epoch metrics).
        var f = self.full[id].pts, lo = self.stepRange[0], hi = self.stepRange[1], before = null, after = null;
        for (var i = 0; i < f.length; i++) { if (f[i][0] < lo) before = f[i]; else if (f[i][0] > hi) { after = f[i]; break; } }
        self.data[id] = { pts: (before ? [before] : []).concat(pts, after ? [after] : []), total: s.total, inRange: s.in_range };
      } else {
        self.data[id] = self.full[id] = { pts: pts, total: s.total, inRange: s.in_range };
      }
    });
    Object.keys(a.runs).forEach(function (id) {
      var r = a.runs[id];
      self.status[id] = r.status;
      if (r.clock) {
        // Step 0 is the start: epoch 0, 0 seconds (the clock's series may begin later).
        var withEpoch = r.clock.filter(function (p) { return p[1] !== null; });
        var es = withEpoch.map(function (p) { return p[0]; }), epochs = withEpoch.map(function (p) { return p[1]; });
        var ts = r.clock.map(function (p) { return p[0]; }), times = r.clock.map(function (p) { return p[2]; });
        if (es.length && es[0] > 0) { es.unshift(0); epochs.unshift(0); }
        if (ts.length && ts[0] > 0) { ts.unshift(0); times.unshift(0); }
        self.clocks[id] = { epoch: [es, epochs], time: [ts, times] };
      }
    });
    this.root.dataset.fetched = this.fetched; this.root.dataset.requests = this.requests;
    return added;
  };

  Explorer.prototype.build = function () {
    var self = this;
    this.grid.textContent = '';
    this.panels = this.specs().map(function (s) { var p = new T.Panel(self, s); self.grid.appendChild(p.root); return p; });
  };

  Explorer.prototype.draw = function () {
    var self = this;
    this.panels.forEach(function (p, i) {
      p.draw();
      // The benchmark reads this mark: the first panel drawn with data.
      if (!self.marked && p.lines.length) { self.marked = true; performance.mark('tracker:first-panel'); }
    });
    var held = 0;
    for (var k in this.data) held += this.data[k].pts.length;
    this.root.dataset.held = held;
    this.root.dataset.range = this.range ? this.range.join(',') : '';
    this.info.textContent = held + ' points drawn' + (this.range ? ' · zoomed: ' + this.axisLabel() + ' ' + T.fmt(this.range[0]) + '–' + T.fmt(this.range[1]) : '');
  };

  // Zooms every panel to [a, b] on the x axis and re-fetches that step range in detail.
  Explorer.prototype.zoom = function (a, b) {
    var self = this, lo = Infinity, hi = -Infinity;
    this.runs.forEach(function (r) {
      var s0 = self.stepOf(r.id, a), s1 = self.stepOf(r.id, b);
      lo = Math.min(lo, s0, s1); hi = Math.max(hi, s0, s1);
    });
    this.range = [a, b];
    this.stepRange = [Math.max(0, Math.floor(lo)), Math.max(0, Math.ceil(hi))];
    this.draw();
    return this.load(true);
  };

  Explorer.prototype.resetZoom = function () {
    if (!this.range) return Promise.resolve();
    this.range = null; this.stepRange = null;
    return this.load(true);
  };

  // Live runs: every POLL_MS, one request per metric asks for the points after that series'
  // last step (a cursor) and appends them; stops once no run is running. Memory stays bounded:
  // absorb() re-downsamples a series that outgrows 8 × the points a panel asks for.
  Explorer.prototype.poll = function () {
    var self = this;
    var running = this.runs.filter(function (r) { return self.status[r.id] === 'running'; });
    if (running.length === 0) return;
    if (this.range) { setTimeout(function () { self.poll(); }, POLL_MS); return; }
    var runs = running.map(function (r) { return 'run=' + encodeURIComponent(r.id); });
    var jobs = this.neededKeys().map(function (k) {
      var cursor = Infinity;
      running.forEach(function (r) { var s = self.series(r.id, k); cursor = Math.min(cursor, s && s.pts.length ? s.pts[s.pts.length - 1][0] : -1); });
      self.requests++;
      return T.get('/api/series?' + runs.concat(['key=' + encodeURIComponent(k), 'points=2000', cursor >= 0 ? 'after=' + cursor : 'from=0']).join('&'));
    });
    Promise.all(jobs).then(function (answers) {
      var added = 0, more = false, still = false;
      answers.forEach(function (a) {
        added += self.absorb(a, true);
        more = more || a.series.some(function (s) { return s.more; });
        still = still || Object.keys(a.runs).some(function (id) { return a.runs[id].status === 'running'; });
      });
      if (added > 0) { self.draw(); self.root.dataset.liveAdded = (Number(self.root.dataset.liveAdded) || 0) + added; }
      if (still) setTimeout(function () { self.poll(); }, more && added > 0 ? 50 : POLL_MS);
    }).catch(function (e) { self.info.textContent = 'live update failed: ' + e.message; setTimeout(function () { self.poll(); }, POLL_MS * 3); });
  };

  T.Explorer = Explorer;
  document.addEventListener('DOMContentLoaded', function () {
    var root = document.getElementById('explorer');
    if (root) T.explorer = new Explorer(root);
  });
})();
