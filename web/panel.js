// gridsweep explorer: the settings panel, generated from the settings table
// (/api/info), and the exports. Loaded after app.js; shares its globals.
'use strict';

// ---- the settings panel, generated from the settings table ----

function field(label, input) {
  const l = document.createElement('label');
  l.append(label, input);
  return l;
}

function select(name, choices, value) {
  const s = document.createElement('select');
  s.name = name;
  for (const c of choices) s.add(new Option(c, c, false, c === value));
  return s;
}

function text(name, value) {
  const i = document.createElement('input');
  i.type = 'text';
  i.name = name;
  i.value = value;
  return i;
}

function axisRow(name, a) {
  const row = document.createElement('div');
  row.className = 'axis';
  const log = document.createElement('input');
  log.type = 'checkbox';
  log.name = `${name}-log`;
  log.checked = a.log;
  const l = document.createElement('label');
  l.append(log, 'log');
  row.append(`${name} axis`, select(`${name}-p`, info.params, a.p), text(`${name}-lo`, num(a.lo)),
             text(`${name}-hi`, num(a.hi)), l);
  return row;
}

function setupFields(v) {
  const box = $('fields');
  box.textContent = '';
  box.append(field('activation', select('act', info.acts, v.act)));
  box.append(axisRow('x', parseAxis(v.x)), axisRow('y', parseAxis(v.y)));
  box.append(field('res', text('res', v.res)), field('at', text('at', v.at)));
  for (const s of info.settings) {
    const input = s.choices ? select(s.name, s.choices, v[s.name]) : text(s.name, v[s.name]);
    input.title = s.help;
    box.append(field(s.name, input));
  }
}

function formView() {
  const form = new FormData($('settings'));
  const v = {};
  for (const [k, val] of form) if (!/^[xy]-/.test(k)) v[k] = String(val).trim();
  for (const a of ['x', 'y'])
    v[a] = `${form.get(a + '-p')}:${form.get(a + '-lo')}:${form.get(a + '-hi')}` +
           (form.get(a + '-log') ? ':log' : '');
  return v;
}

$('settings').addEventListener('submit', async (e) => {
  e.preventDefault();
  const v = formView();
  try {
    await get('/api/header', viewQuery(v));   // the CLI's validation, its message
  } catch (err) {
    showError(err.message);
    return;
  }
  showError('');
  go(v);
});

// ---- export ----

$('export-png').addEventListener('click', () => {
  $('map').toBlob((blob) => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'gridsweep-view.png';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
});

$('export-cmd').addEventListener('click', async () => {
  try {
    const header = await get('/api/header', viewQuery(view));
    const line = header.split('\n').find((l) => l.startsWith('# command: '));
    $('command').textContent = line.slice('# command: '.length);
    $('command').hidden = false;
  } catch (err) {
    showError(err.message);
  }
});

