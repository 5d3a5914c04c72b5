// gridsweep explorer: draws the map of the view in the address bar, a coarse
// picture first and then tiles at full resolution, each tile a plane of its
// own that the server computes with the sweep (the same rows as a CLI run).
// A view is the sweep's options without dashes: ?token=..&x=b:-2:2&res=256&...
// panel.js (settings, exports) and trace.js (a cell's trace) share its globals.
'use strict';

const token = new URLSearchParams(location.search).get('token') || '';
const client = Math.random().toString(36).slice(2, 12);
const TILE = 32;        // cells per tile side (and of the coarse picture)
const $ = (id) => document.getElementById(id);

// Outcome colours, in the order of the outcome table (converged first).
const COLORS = { converged: [46, 160, 67], stuck: [230, 140, 30], linear: [60, 110, 200],
                 dead: [120, 120, 120], diverged: [200, 40, 40], slow: [150, 200, 60] };
const PENDING = [40, 40, 40];

let info = null;        // /api/info: the first view and the vocabularies
let view = null;        // the view drawn: {key: text}
let gen = 0;            // this page's view number: the server drops tiles of older ones
let state = null;       // the cells of the view being drawn
let abort = null;       // cancels the fetches of the previous view

// ---- views and the address bar ----

function parseAxis(text) {
  const f = text.split(':');
  return { p: f[0], lo: Number(f[1]), hi: Number(f[2]), log: f[3] === 'log' };
}
const num = (v) => String(Number(v.toPrecision(15)));
const axisText = (a) => `${a.p}:${num(a.lo)}:${num(a.hi)}${a.log ? ':log' : ''}`;

function resOf(v) {
  const r = v.res.split(',').map(Number);
  return { nx: r[0], ny: r.length > 1 ? r[1] : r[0] };
}

// The value at fraction f of an axis (0: lo, 1: hi), linear or in log10.
function axisAt(a, f) {
  if (f === 0) return a.lo;
  if (f === 1) return a.hi;
  if (!a.log) return a.lo + (a.hi - a.lo) * f;
  return 10 ** (Math.log10(a.lo) + (Math.log10(a.hi) - Math.log10(a.lo)) * f);
}
// The sub-axis from fraction f0 to f1.
const subAxis = (a, f0, f1) => ({ p: a.p, lo: axisAt(a, f0), hi: axisAt(a, f1), log: a.log });

function viewFromLocation() {
  const q = new URLSearchParams(location.search);
  const v = Object.assign({}, info.view);
  for (const [k, val] of q) if (k !== 'token') v[k] = val;
  return v;
}

// The parameters the server gets: lr goes as the setting unless it is an axis.
function viewQuery(v, extra) {
  const q = new URLSearchParams({ token });
  const lrAxis = parseAxis(v.x).p === 'lr' || parseAxis(v.y).p === 'lr';
  for (const [k, val] of Object.entries(v)) {
    if ((k === 'lr' && lrAxis) || (k === 'at' && val === '')) continue;
    q.set(k, val);
  }
  for (const [k, val] of Object.entries(extra || {})) q.set(k, val);
  return q.toString();
}

function go(v, replace) {
  const url = '?' + viewQuery(v);
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  draw(v);
}
window.addEventListener('popstate', () => draw(viewFromLocation()));

// ---- fetching ----

async function get(path, query, signal) {
  const r = await fetch(`${path}?${query}`, { signal });
  const text = await r.text();
  if (!r.ok) throw Object.assign(new Error(text.trim()), { status: r.status });
  return text;
}

// A map file's rows as arrays of fields, and its column names.
function parseMap(text) {
  const lines = text.split('\n');
  let i = 0;
  while (lines[i].startsWith('#')) i++;
  const columns = lines[i].split(',');
  const rows = [];
  for (i++; i < lines.length; i++) if (lines[i]) rows.push(lines[i]);
  return { columns, rows };
}

// ---- drawing ----

function draw(v) {
  view = v;
  gen++;
  if (abort) abort.abort();
  abort = new AbortController();
  const { nx, ny } = resOf(v);
  const canvas = $('map');
  canvas.width = nx;
  canvas.height = ny;
  canvas.style.transform = '';
  const scale = 512 / Math.max(nx, ny);
  canvas.style.width = `${nx * scale}px`;
  canvas.style.height = `${ny * scale}px`;
  state = { nx, ny, outcome: new Int8Array(nx * ny).fill(-1), fine: new Uint8Array(nx * ny),
            tconv: new Int32Array(nx * ny), rows: new Array(nx * ny), tiles: [],
            columns: null, done: 0, total: 0, t0: performance.now(), coarseMs: null,
            doneMs: null, image: canvas.getContext('2d').createImageData(nx, ny), gen };
  window.gsStatus = state;
  const x = parseAxis(v.x), y = parseAxis(v.y);
  $('axes').textContent = `x ${axisText(x)} · y ${axisText(y)} · ${nx} × ${ny} cells · ${v.act}`;
  setupFields(v);
  $('export-map').href = `/api/tile?${viewQuery(v, { download: 1 })}`;
  $('command').hidden = true;
  paint();

  // The tiles: TILE x TILE cells each, nearest the centre first.
  for (let cy = 0; cy < ny; cy += TILE)
    for (let cx = 0; cx < nx; cx += TILE) {
      const w = Math.min(TILE, nx - cx), h = Math.min(TILE, ny - cy);
      state.tiles.push({ cx, cy, w, h, fine: true,
        x: subAxis(x, cx / nx, (cx + w) / nx), y: subAxis(y, cy / ny, (cy + h) / ny) });
    }
  const mid = (t) => Math.hypot(t.cx + t.w / 2 - nx / 2, t.cy + t.h / 2 - ny / 2);
  state.tiles.sort((a, b) => mid(a) - mid(b));
  state.total = state.tiles.length;
  // The coarse picture first: the whole view at up to TILE x TILE.
  const coarse = { cx: 0, cy: 0, w: nx, h: ny, fine: false, x, y,
                   rx: Math.min(TILE, nx), ry: Math.min(TILE, ny) };
  const mine = state;
  fetchTile(mine, coarse).then(() => {
    mine.coarseMs = performance.now() - mine.t0;
    status();
  }).catch(() => {});
  for (const t of state.tiles) fetchTile(mine, t).catch(() => {});
  status();
}

async function fetchTile(st, t) {
  const rx = t.rx || t.w, ry = t.ry || t.h;
  const q = viewQuery(view, { x: axisText(t.x), y: axisText(t.y), res: `${rx},${ry}`,
                              client, gen: st.gen });
  let text;
  try {
    text = await get('/api/tile', q, abort.signal);
  } catch (e) {
    if (st === state && e.name !== 'AbortError' && e.status !== 409) showError(e.message);
    throw e;
  }
  if (st !== state) return;
  t.query = q;
  const { columns, rows } = parseMap(text);
  st.columns = columns;
  const ci = (name) => columns.indexOf(name);
  // converged cells are shaded by t_enter, diverged ones by t_diverge
  const iOut = ci('outcome'), iT = ci('t_enter'), iD = ci('t_diverge');
  const iX = ci('ix'), iY = ci('iy');
  const outcomes = info.outcomes;
  for (const line of rows) {
    const f = line.split(',');
    const ix = Number(f[iX]), iy = Number(f[iY]);
    const o = outcomes.indexOf(f[iOut]);
    const tc = Number(f[f[iOut] === 'diverged' ? iD : iT]);
    // The cells of the view this row covers (a coarse cell covers several).
    const x0 = t.cx + Math.floor(ix * t.w / rx), x1 = t.cx + Math.floor((ix + 1) * t.w / rx);
    const y0 = t.cy + Math.floor(iy * t.h / ry), y1 = t.cy + Math.floor((iy + 1) * t.h / ry);
    for (let yy = y0; yy < y1; yy++)
      for (let xx = x0; xx < x1; xx++) {
        const c = yy * st.nx + xx;
        if (st.fine[c] && !t.fine) continue;   // a tile already drew it
        st.outcome[c] = o;
        st.tconv[c] = tc;
        if (t.fine) {
          st.fine[c] = 1;
          st.rows[c] = { tile: t, ix, iy, line };
        }
      }
  }
  if (t.fine && ++st.done === st.total) st.doneMs = performance.now() - st.t0;
  paint();
  status();
}

function colour(o, tc) {
  if (o < 0) return PENDING;
  const base = COLORS[info.outcomes[o]] || PENDING;
  const name = info.outcomes[o];
  if ((name !== 'converged' && name !== 'diverged') || tc < 0) return base;
  // Shaded by t_enter (converged) or t_diverge (diverged): bright when early.
  const k = 1 - 0.6 * Math.min(1, tc / Number(view.steps));
  return base.map((c) => Math.round(c * k + 255 * (1 - k) * 0.35));
}

function paint() {
  const st = state, img = st.image.data;
  for (let iy = 0; iy < st.ny; iy++)
    for (let ix = 0; ix < st.nx; ix++) {
      const c = iy * st.nx + ix, p = ((st.ny - 1 - iy) * st.nx + ix) * 4;   // y up
      const [r, g, b] = colour(st.outcome[c], st.tconv[c]);
      img[p] = r; img[p + 1] = g; img[p + 2] = b; img[p + 3] = 255;
    }
  $('map').getContext('2d').putImageData(st.image, 0, 0);
  legend();
}

function legend() {
  const counts = new Array(info.outcomes.length).fill(0);
  let known = 0;
  for (const o of state.outcome) if (o >= 0) { counts[o]++; known++; }
  const el = $('legend');
  el.textContent = '';
  info.outcomes.forEach((name, i) => {
    const s = document.createElement('span');
    const sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = `rgb(${COLORS[name].join(',')})`;
    s.append(sw, `${name} ${known ? (100 * counts[i] / known).toFixed(1) : '–'}%`);
    s.dataset.outcome = name;
    el.append(s);
  });
}

function status() {
  const st = state;
  let s = `${st.done} of ${st.total} tiles`;
  if (st.coarseMs != null) s += ` · coarse in ${Math.round(st.coarseMs)} ms`;
  if (st.doneMs != null) s += ` · complete in ${Math.round(st.doneMs)} ms`;
  $('status').textContent = s;
}

function showError(msg) { $('error').textContent = msg; }

// ---- the mouse: rectangle zoom, pan, wheel zoom, click ----

const stage = $('stage');
let drag = null;

// Fractions of the view's axes under a pointer event (y up). The canvas sits
// at the stage's corner; its layout size ignores the pan's transform.
function fractions(e) {
  const r = stage.getBoundingClientRect(), c = $('map');
  return { fx: (e.clientX - r.left) / c.offsetWidth, fy: 1 - (e.clientY - r.top) / c.offsetHeight,
           px: e.clientX, py: e.clientY };
}

function zoomTo(fx0, fx1, fy0, fy1) {
  const x = parseAxis(view.x), y = parseAxis(view.y);
  const v = Object.assign({}, view);
  v.x = axisText(subAxis(x, Math.min(fx0, fx1), Math.max(fx0, fx1)));
  v.y = axisText(subAxis(y, Math.min(fy0, fy1), Math.max(fy0, fy1)));
  go(v);
}

stage.addEventListener('pointerdown', (e) => {
  stage.setPointerCapture(e.pointerId);
  drag = Object.assign(fractions(e), { pan: e.shiftKey || e.button !== 0 });
});
stage.addEventListener('pointermove', (e) => {
  if (!drag) return;
  const r = stage.getBoundingClientRect();
  const dx = e.clientX - drag.px, dy = e.clientY - drag.py;
  if (drag.pan) {
    $('map').style.transform = `translate(${dx}px, ${dy}px)`;
    return;
  }
  const box = $('box');
  box.hidden = false;
  box.style.left = `${Math.min(e.clientX, drag.px) - r.left}px`;
  box.style.top = `${Math.min(e.clientY, drag.py) - r.top}px`;
  box.style.width = `${Math.abs(dx)}px`;
  box.style.height = `${Math.abs(dy)}px`;
});
stage.addEventListener('pointerup', (e) => {
  if (!drag) return;
  const d = drag, f = fractions(e);
  drag = null;
  $('box').hidden = true;
  if (Math.hypot(f.px - d.px, f.py - d.py) < 4) {
    $('map').style.transform = '';
    traceAt(f.fx, f.fy);
  } else if (d.pan) {
    zoomTo(d.fx - f.fx, 1 + d.fx - f.fx, d.fy - f.fy, 1 + d.fy - f.fy);
  } else {
    zoomTo(d.fx, f.fx, d.fy, f.fy);
  }
});
stage.addEventListener('contextmenu', (e) => e.preventDefault());

// The wheel zooms about the pointer; a burst of wheel events is one view.
let wheel = null;
stage.addEventListener('wheel', (e) => {
  e.preventDefault();
  const f = fractions(e);
  if (!wheel) wheel = { f, k: 1 };
  wheel.k *= e.deltaY > 0 ? 1.25 : 0.8;
  clearTimeout(wheel.timer);
  wheel.timer = setTimeout(() => {
    const { f: p, k } = wheel;
    wheel = null;
    zoomTo(p.fx - p.fx * k, p.fx + (1 - p.fx) * k, p.fy - p.fy * k, p.fy + (1 - p.fy) * k);
  }, 200);
}, { passive: false });

// ---- a cell's trace ----

async function traceAt(fx, fy) {
  const st = state;
  const ix = Math.min(st.nx - 1, Math.max(0, Math.floor(fx * st.nx)));
  const iy = Math.min(st.ny - 1, Math.max(0, Math.floor(fy * st.ny)));
  const cell = st.rows[iy * st.nx + ix];
  if (!cell) { showError('that cell is not computed yet'); return; }
  const t = cell.tile;
  const q = viewQuery(view, { x: axisText(t.x), y: axisText(t.y), res: `${t.w},${t.h}`,
                              ix: cell.ix, iy: cell.iy });
  let text;
  try { text = await get('/api/trace', q); } catch (e) { showError(e.message); return; }
  showTrace(text, cell, st.columns, ix, iy);
}

// ---- start ----

// After every script of the page has run (panel.js, trace.js).
window.addEventListener('DOMContentLoaded', async () => {
  try {
    info = JSON.parse(await get('/api/info', new URLSearchParams({ token })));
  } catch (e) {
    $('status').textContent = e.message;
    return;
  }
  go(viewFromLocation(), true);
});
