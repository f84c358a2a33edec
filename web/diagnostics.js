// tracker UI — diagnostics of the run page: hovering the gradient heat map shows the tensor,
// the step and the stored L2 norm under the mouse (read from /api/runs/ID/grads; the heat map
// itself is drawn by the server and stays readable without JavaScript).
'use strict';
(function () {
  var T = window.T;

  function HeatHover(wrap) {
    var svgEl = wrap.querySelector('svg.heatmap');
    if (!svgEl) return;
    var tip = T.el('div', { class: 'heat-tip', id: 'heat-tip', hidden: '' }), data = null, self = this;
    document.body.appendChild(tip);
    T.get(wrap.dataset.grads).then(function (d) { data = d; }).catch(function () { data = null; });
    var g = svgEl.dataset, left = Number(g.left), top = Number(g.top), plotW = Number(g.plotw), rowH = Number(g.rowh), columns = Number(g.columns);
    var width = Number(svgEl.getAttribute('width'));
    svgEl.addEventListener('mousemove', function (e) {
      if (!data) return;
      var r = svgEl.getBoundingClientRect(), k = width / r.width;
      var x = (e.clientX - r.left) * k, y = (e.clientY - r.top) * k;
      var row = Math.floor((y - top) / rowH), col = Math.floor((x - left) / plotW * columns), n = data.steps.length;
      if (row < 0 || row >= data.tensors.length || col < 0 || col >= columns || n === 0) { tip.hidden = true; return; }
      // Column col holds the step indices i with floor(i * columns / n) = col; take its middle one.
      var first = Math.ceil(col * n / columns), last = Math.max(first, Math.ceil((col + 1) * n / columns) - 1);
      var i = Math.min(n - 1, Math.floor((first + last) / 2)), v = T.num(data.l2[row][i]);
      tip.textContent = data.tensors[row] + ' · step ' + data.steps[i] + ' · L2 ' + T.fmt(v)
        + (last > first ? ' (column covers steps ' + data.steps[first] + '–' + data.steps[Math.min(n - 1, last)] + ')' : '');
      tip.dataset.tensor = data.tensors[row]; tip.dataset.step = data.steps[i]; tip.dataset.value = String(v);
      tip.style.left = (e.clientX + 14) + 'px'; tip.style.top = (e.clientY + 10) + 'px'; tip.hidden = false;
    });
    svgEl.addEventListener('mouseleave', function () { tip.hidden = true; });
    this.tip = tip;
  }

  T.HeatHover = HeatHover;
  document.addEventListener('DOMContentLoaded', function () {
    document.querySelectorAll('.heat-wrap').forEach(function (w) { new HeatHover(w); });
  });
})();
