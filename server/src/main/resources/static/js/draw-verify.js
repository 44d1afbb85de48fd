// The draw verifier (/draw/verify?sale=<id>): fetches what Stampede published about a draw and recomputes it in
// the browser (docs/fair-drops.md, "How the draw is made, so anyone can recompute it"):
//   seedHash    = lowercase hex SHA-256 of the 32 seed bytes (the seed is published as 64 hex characters)
//   entriesHash = lowercase hex SHA-256 of the entry list's bytes (user ids sorted by UTF-8 bytes, each + "\n")
//   draw order  = entrants sorted by lowercase hex HMAC-SHA256(key = seed bytes, msg = UTF-8 user id), ties by id
// and checks that the published winners are the head of that order.
import { request, localTime, el } from './api.js';
import { digest, hmacSigner, toHex, fromHex } from './sha256.js';

const $ = (id) => document.getElementById(id);
const utf8 = new TextEncoder();
const FIRST_ROWS = 200;

const state = {
  saleId: null,
  run: 0,            // a newer load makes an older one's results stale
  draw: null,
  entriesBytes: null,
  entries: null,     // user ids as listed
  order: null,       // [{userId, mac}] in draw order
  winners: new Set(),
  showAll: false,
};

/** -1, 0, 1 comparing the UTF-8 bytes of two strings (JS's < compares UTF-16 units, which differs beyond the BMP). */
function compareUtf8(a, b) {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

const fmt = (n) => (typeof n === 'number' && Number.isFinite(n) ? n.toLocaleString('en-US') : '—');

function setCheck(name, result, detail) {
  const li = document.querySelector(`[data-testid="check-${name}"]`);
  li.dataset.result = result;
  const badge = li.querySelector('.verdict');
  badge.dataset.result = result;
  badge.textContent = { pass: 'pass', fail: 'FAIL', pending: '…' }[result];
  document.querySelector(`[data-testid="check-${name}-detail"]`).textContent = detail ? ` ${detail}` : '';
}

function setVerdict(result, text) {
  const n = $('verify-result');
  n.dataset.result = result;
  n.className = `message verdict-banner ${{ pass: 'ok', fail: 'bad', pending: 'info' }[result]}`;
  n.textContent = text;
}

function resetChecks() {
  for (const c of ['seed-hash', 'entries-hash', 'entries-list', 'winners']) setCheck(c, 'pending', '');
  setVerdict('pending', 'Checking…');
  $('draw-order').replaceChildren();
  $('order-progress').textContent = '';
  $('order-show-all').hidden = true;
  $('find-result').textContent = '';
  $('paste-result').textContent = '';
  $('paste-result').removeAttribute('data-result');
}

async function load(saleId) {
  const run = ++state.run;
  const stale = () => run !== state.run;
  Object.assign(state, { saleId, draw: null, entriesBytes: null, entries: null, order: null, winners: new Set(), showAll: false });
  $('verify-error').textContent = '';
  $('verify-sale').value = saleId;
  resetChecks();
  const url = new URL(location.href);
  if (url.searchParams.get('sale') !== saleId) { url.searchParams.set('sale', saleId); history.replaceState(null, '', url); }

  const path = `/api/sales/${encodeURIComponent(saleId)}`;
  const [d, sale] = await Promise.all([request(`${path}/draw`), request(path)]);
  if (stale()) return;
  if (!d.ok || !d.data) {
    $('verify-draw').hidden = true;
    $('order-section').hidden = true;
    $('paste-section').hidden = true;
    $('verify-error').textContent = d.status === 404
      ? 'There is no draw for this sale id (no such sale, or a sale that is no draw).'
      : `The draw could not be loaded: ${d.problem.detail}`;
    return;
  }
  const draw = d.data;
  state.draw = draw;
  const winners = Array.isArray(draw.winners) ? [...draw.winners].sort((a, b) => a.rank - b.rank) : [];
  state.winners = new Set(winners.map((w) => w.userId));
  showDraw(draw, sale.ok ? sale.data : null, winners);

  // the entry list exists once entries closed (409 before)
  let bytes = null;
  if (draw.entriesHash || draw.state === 'DRAWN') {
    try {
      const res = await fetch(`${path}/draw/entries`, { cache: 'no-store' });
      if (res.ok) bytes = new Uint8Array(await res.arrayBuffer()); // the bytes as served: no decoding before hashing
      else setCheck('entries-hash', 'fail', `The entry list could not be fetched (HTTP ${res.status}).`);
    } catch {
      setCheck('entries-hash', 'fail', 'The entry list could not be fetched (network).');
    }
    if (stale()) return;
  }
  state.entriesBytes = bytes;
  const results = await check(draw, bytes, winners, stale);
  if (stale() || !results) return;
  const failed = Object.entries(results).filter(([, r]) => r === 'fail').map(([k]) => k);
  const pending = Object.values(results).some((r) => r === 'pending');
  if (failed.length) setVerdict('fail', `${failed.length} of 4 checks FAILED (${failed.join(', ')}): this draw does not match what was published.`);
  else if (pending) setVerdict('pending', draw.state === 'DRAWN' ? 'Some checks could not be made.'
    : `The draw is not made yet: it is made at ${localTime(draw.entriesCloseAt)}. The seed hash is already published; come back then.`);
  else setVerdict('pass', `All 4 checks passed: the draw of ${fmt(state.order.length)} entrants is exactly what the published seed and entry list give.`);
}

function showDraw(draw, sale, winners) {
  $('verify-draw').hidden = false;
  $('verify-draw').dataset.saleId = draw.saleId || state.saleId;
  $('verify-name').textContent = sale && sale.name ? `Draw of “${sale.name}”` : `Draw of sale ${state.saleId}`;
  $('verify-state').textContent = draw.state || '';
  $('verify-state').dataset.state = { SCHEDULED: 'SCHEDULED', ENTRIES_OPEN: 'ACTIVE', CLOSED: 'SCHEDULED', DRAWN: 'ENDED' }[draw.state] || '';
  $('verify-entries').textContent = fmt(draw.entries);
  $('verify-units').textContent = fmt(draw.units);
  $('verify-winners').textContent = fmt(winners.length);
  $('verify-window').textContent = `${localTime(draw.entriesOpenAt)} – ${localTime(draw.entriesCloseAt)}` +
    (draw.drawnAt ? ` · drawn ${localTime(draw.drawnAt)}` : '');
  $('verify-seed-hash').textContent = draw.seedHash || '—';
  $('verify-entries-hash').textContent = draw.entriesHash || 'published when entries close';
  $('verify-seed').textContent = draw.seed || 'published after the entry list';
  $('order-section').hidden = draw.state !== 'DRAWN';
  $('paste-section').hidden = false;
}

/** The four checks; each one pass, fail or pending (its inputs are not published yet). */
async function check(draw, bytes, winners, stale) {
  const results = {};

  // 1. the seed hash
  let seed = null;
  if (!draw.seed) {
    results.seed = 'pending';
    setCheck('seed-hash', 'pending', 'The seed is published after the entry list.');
  } else {
    seed = fromHex(draw.seed);
    if (!seed || seed.length !== 32 || draw.seed !== draw.seed.toLowerCase()) {
      results.seed = 'fail';
      setCheck('seed-hash', 'fail', 'The published seed is not 64 lowercase hex characters (32 bytes).');
      seed = seed && seed.length === 32 ? seed : null;
    } else {
      const h = toHex(await digest(seed));
      results.seed = h === draw.seedHash ? 'pass' : 'fail';
      setCheck('seed-hash', results.seed, results.seed === 'pass' ? `Recomputed ${h}.` : `Recomputed ${h}, published ${draw.seedHash}.`);
    }
  }
  if (stale()) return null;

  // 2. the entries hash, 3. the list itself
  let ids = null;
  if (!bytes) {
    results.entriesHash = results.entriesList = document.querySelector('[data-testid="check-entries-hash"]').dataset.result === 'fail' ? 'fail' : 'pending';
    if (results.entriesHash === 'pending') setCheck('entries-hash', 'pending', 'The entry list is published when entries close.');
    setCheck('entries-list', 'pending', '');
  } else {
    const h = toHex(await digest(bytes));
    results.entriesHash = draw.entriesHash && h === draw.entriesHash ? 'pass' : 'fail';
    setCheck('entries-hash', results.entriesHash, results.entriesHash === 'pass'
      ? `Recomputed ${h} over ${fmt(bytes.length)} bytes.` : `Recomputed ${h}, published ${draw.entriesHash || 'nothing'}.`);
    const parsed = parseEntries(bytes);
    ids = parsed.ids;
    const problems = [...parsed.problems];
    if (ids && typeof draw.entries === 'number' && ids.length !== draw.entries) {
      problems.push(`it lists ${fmt(ids.length)} entrants, the draw says ${fmt(draw.entries)}`);
    }
    results.entriesList = problems.length ? 'fail' : 'pass';
    setCheck('entries-list', results.entriesList, problems.length ? `Not so: ${problems.join('; ')}.` : `${fmt(ids.length)} entrants, sorted, each once.`);
  }
  state.entries = ids;
  if (stale()) return null;

  // 4. the draw order and its winners
  if (!seed || !ids) {
    results.winners = draw.state === 'DRAWN' ? 'fail' : 'pending';
    setCheck('winners', results.winners, results.winners === 'fail' ? 'The draw order cannot be recomputed without a valid seed and entry list.' : '');
    return results;
  }
  const order = await drawOrder(seed, ids, stale);
  if (!order) return null;
  state.order = order;
  renderOrder();
  const problems = [];
  winners.forEach((w, i) => {
    if (problems.length >= 3) return;
    const want = order[i];
    if (w.rank !== i + 1) problems.push(`the published ranks skip place ${i + 1} (next is ${w.rank})`);
    else if (!want) problems.push(`winner ${w.userId} at place ${w.rank} did not enter`);
    else if (w.userId !== want.userId) problems.push(`place ${i + 1} is ${want.userId}, published ${w.userId}`);
  });
  const units = typeof draw.units === 'number' ? draw.units : 0;
  const needed = Math.min(units, order.length);
  if (winners.length < needed) problems.push(`${winners.length} winners published for ${units} units and ${order.length} entrants`);
  if (new Set(winners.map((w) => w.userId)).size !== winners.length) problems.push('a winner is listed twice');
  results.winners = problems.length ? 'fail' : 'pass';
  setCheck('winners', results.winners, problems.length ? `Not so: ${problems.join('; ')}.`
    : `The ${fmt(winners.length)} published winners are places 1 to ${fmt(winners.length)} of the recomputed order.`);
  return results;
}

/** The entry list's ids, and what is wrong with it (not UTF-8, no final line feed, an empty line, out of order). */
function parseEntries(bytes) {
  const problems = [];
  let text;
  try { text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes); } catch {
    return { ids: null, problems: ['it is not UTF-8'] };
  }
  if (text === '') return { ids: [], problems };
  if (!text.endsWith('\n')) problems.push('its last line has no line feed');
  const ids = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  let outOfOrder = 0;
  let empty = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === '' || ids[i].includes('\r')) empty++;
    if (i > 0 && compareUtf8(ids[i - 1], ids[i]) >= 0) {
      if (outOfOrder++ === 0) problems.push(`"${ids[i]}" comes after "${ids[i - 1]}" (out of order or twice)`);
    }
  }
  if (outOfOrder > 1) problems.push(`${outOfOrder} places out of order in all`);
  if (empty) problems.push(`${empty} empty or CR-terminated line(s)`);
  return { ids, problems };
}

async function drawOrder(seed, ids, stale) {
  const sign = await hmacSigner(seed);
  const out = new Array(ids.length);
  const batch = 512;
  for (let i = 0; i < ids.length; i += batch) {
    const slice = ids.slice(i, i + batch);
    const macs = await Promise.all(slice.map((id) => sign(utf8.encode(id))));
    macs.forEach((m, j) => { out[i + j] = { userId: slice[j], mac: toHex(m) }; });
    if (stale()) return null;
    $('order-progress').textContent = `Recomputing… ${fmt(Math.min(i + batch, ids.length))} of ${fmt(ids.length)}`;
  }
  out.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : compareUtf8(a.userId, b.userId)));
  $('order-progress').textContent = `${fmt(ids.length)} entrants, recomputed in this browser`;
  return out;
}

function renderOrder() {
  const order = state.order || [];
  const shown = state.showAll ? order.length : Math.min(order.length, Math.max(FIRST_ROWS, state.winners.size + 20));
  const rows = [];
  for (let i = 0; i < shown; i++) rows.push(orderRow(order[i], i + 1));
  $('draw-order').replaceChildren(...rows);
  $('order-show-all').hidden = shown >= order.length;
  $('order-show-all').textContent = `Show all ${fmt(order.length)} entrants`;
}

function orderRow(entry, rank) {
  const winner = state.winners.has(entry.userId);
  return el('tr', { 'data-testid': `order-row-${rank}`, 'data-user': entry.userId, 'data-winner': String(winner), class: winner ? 'winner' : null },
    el('td', { class: 'num' }, String(rank)),
    el('td', {}, el('code', {}, entry.userId)),
    el('td', { title: entry.mac }, el('code', {}, entry.mac.slice(0, 16))),
    el('td', {}, winner ? el('span', { class: 'badge', 'data-status': 'PAID' }, 'winner') : ''));
}

function find(e) {
  e.preventDefault();
  const id = $('find-user').value.trim();
  const out = $('find-result');
  for (const tr of document.querySelectorAll('#draw-order tr.found')) tr.classList.remove('found');
  if (!id || !state.order) { out.textContent = ''; return; }
  const i = state.order.findIndex((x) => x.userId === id);
  if (i < 0) { out.textContent = `${id} is not in the entry list.`; return; }
  out.textContent = `${id} is place ${fmt(i + 1)} of ${fmt(state.order.length)}${state.winners.has(id) ? ', a winner' : ''}.`;
  if (i >= $('draw-order').children.length) { state.showAll = true; renderOrder(); }
  const tr = document.querySelector(`[data-testid="order-row-${i + 1}"]`);
  if (tr) { tr.classList.add('found'); tr.scrollIntoView({ block: 'center' }); }
}

/** A saved entry list (pasted or opened) against the published entries hash, and how it differs from the published list. */
async function checkPasted(bytes, source) {
  const out = $('paste-result');
  const published = state.draw && state.draw.entriesHash;
  if (!published) {
    out.dataset.result = 'pending';
    out.className = 'message info';
    out.textContent = 'No entries hash is published yet: it is, when entries close.';
    return;
  }
  const exact = toHex(await digest(bytes));
  let result = exact === published;
  let note = '';
  if (!result && source === 'paste' && bytes.length && bytes[bytes.length - 1] !== 0x0a) {
    // a copy often loses the last line feed; the list's own format ends each id with one
    const withLf = new Uint8Array(bytes.length + 1);
    withLf.set(bytes);
    withLf[bytes.length] = 0x0a;
    if (toHex(await digest(withLf)) === published) { result = true; note = ' (with the final line feed your copy left out)'; }
  }
  out.dataset.result = result ? 'pass' : 'fail';
  out.className = `message ${result ? 'ok' : 'bad'}`;
  if (result) {
    out.textContent = `This list matches the published entries hash${note}: it is the list the draw was made from.`;
    return;
  }
  let diff = '';
  const mine = parseEntries(bytes).ids;
  if (mine && state.entries) {
    const theirs = new Set(state.entries);
    const ours = new Set(mine);
    const missing = state.entries.filter((x) => !ours.has(x));
    const extra = mine.filter((x) => !theirs.has(x));
    const few = (xs) => xs.slice(0, 5).join(', ') + (xs.length > 5 ? ` and ${xs.length - 5} more` : '');
    if (extra.length) diff += ` Yours has ${few(extra)}, which the published list has not.`;
    if (missing.length) diff += ` The published list has ${few(missing)}, which yours has not.`;
    if (!extra.length && !missing.length) diff += ' It holds the same user ids, but not byte for byte in the list\'s format (sorted, one a line, each ending in a line feed).';
  }
  out.textContent = `This list does NOT match the published entries hash: its SHA-256 is ${exact}, the published one ${published}.${diff}`;
}

function start() {
  $('verify-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = $('verify-sale').value.trim();
    if (id) load(id); else $('verify-sale').focus();
  });
  $('find-form').addEventListener('submit', find);
  $('order-show-all').addEventListener('click', () => { state.showAll = true; renderOrder(); });
  $('paste-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const file = $('paste-file').files && $('paste-file').files[0];
    if (file && !$('paste-entries').value) checkPasted(new Uint8Array(await file.arrayBuffer()), 'file');
    else checkPasted(utf8.encode($('paste-entries').value), 'paste');
  });
  $('paste-file').addEventListener('change', async () => {
    const file = $('paste-file').files && $('paste-file').files[0];
    if (file) { $('paste-entries').value = ''; checkPasted(new Uint8Array(await file.arrayBuffer()), 'file'); }
  });
  const sale = new URLSearchParams(location.search).get('sale');
  if (sale) load(sale.trim());
  else $('verify-sale').focus();
}

window.addEventListener('unhandledrejection', (e) => { console.warn('unhandled', e.reason); e.preventDefault(); });
start();
