// gridsweep explorer: a cell's trace (GET /api/trace, the file `gridsweep
// trace` writes): the learned function at the snapshot steps over the target,
// the loss curve, and the cell's row. Loaded after app.js; shares its globals.
'use strict';

function showTrace(text, cell, columns, ix, iy) {
  const curves = new Map(), loss = [];
  for (const line of text.split('\n')) {
    const f = line.split(',');
    if (f[0] === 'param' && f[6] !== '') loss.push([Number(f[1]), Number(f[6])]);
    if (f[0] === 'curve') {
      if (!curves.has(f[1])) curves.set(f[1], []);
      curves.get(f[1]).push([Number(f[7]), Number(f[8]), Number(f[9])]);
    }
  }
  $('trace').hidden = false;
  $('trace-title').textContent = `(${ix}, ${iy}) of the view, (${cell.ix}, ${cell.iy}) of its tile`;
  const fields = cell.line.split(',');
  const table = $('cell');
  table.textContent = '';
  columns.forEach((name, i) => {
    const tr = table.insertRow();
    tr.insertCell().textContent = name;
    tr.insertCell().textContent = fields[i];
  });
  const snaps = [...curves.entries()];
  const series = snaps.map(([step, pts], i) => ({ pts: pts.map((p) => [p[0], p[1]]), width: 1,
    colour: `hsl(${220 - 200 * i / Math.max(1, snaps.length - 1)}, 70%, 45%)`, label: `step ${step}` }));
  if (snaps.length)
    series.push({ pts: snaps[0][1].map((p) => [p[0], p[2]]), width: 3, colour: '#000', label: 'target' });
  plot($('trace-fn'), series, false);
  const key = $('trace-steps');
  key.textContent = '';
  for (const s of series) {
    const span = document.createElement('span');
    span.style.color = s.colour;
    span.textContent = `${s.label}  `;
    key.append(span);
  }
  plot($('trace-loss'), [{ pts: loss.filter((p) => p[1] > 0), width: 1, colour: '#c33' }], true);
  $('trace').scrollIntoView({ block: 'nearest' });
  $('trace').dataset.ready = String(Date.now());
}

// Lines on a canvas with the data's bounding box; logY plots log10 of y.
function plot(canvas, series, logY) {
  const g = canvas.getContext('2d'), W = canvas.width, H = canvas.height, m = 28;
  g.clearRect(0, 0, W, H);
  const ty = (v) => (logY ? Math.log10(v) : v);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) for (const [x, y] of s.pts) {
    if (!Number.isFinite(ty(y))) continue;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, ty(y)); y1 = Math.max(y1, ty(y));
  }
  if (!(x1 > x0)) return;
  if (!(y1 > y0)) { y0 -= 1; y1 += 1; }
  const sx = (x) => m + (x - x0) / (x1 - x0) * (W - 2 * m);
  const sy = (y) => H - m - (ty(y) - y0) / (y1 - y0) * (H - 2 * m);
  g.strokeStyle = '#999';
  g.strokeRect(m, m, W - 2 * m, H - 2 * m);
  g.fillStyle = '#555';
  g.font = '10px sans-serif';
  const lab = (v) => (logY ? `1e${v.toFixed(1)}` : v.toPrecision(3));
  g.fillText(lab(y1), 2, m - 4);
  g.fillText(lab(y0), 2, H - m + 12);
  g.fillText(x0.toPrecision(3), m, H - 4);
  g.fillText(x1.toPrecision(3), W - m - 24, H - 4);
  for (const s of series) {
    g.strokeStyle = s.colour;
    g.lineWidth = s.width;
    g.beginPath();
    s.pts.forEach(([x, y], i) => (i ? g.lineTo(sx(x), sy(y)) : g.moveTo(sx(x), sy(y))));
    g.stroke();
  }
}

