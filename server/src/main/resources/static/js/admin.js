// Live dashboard: admin token (sessionStorage), create sale / coupon campaign forms with per-field errors,
// the live stream /api/admin/stream (table, uPlot charts of the last 5 minutes, event feed), reconcile, restock,
// refunds; a sale's waiting room (its figures, its rate changed live) or draw (entries, hashes, seed, winners by name).
import { request, money, localTime, el } from './api.js';
import { openEventStream } from './sse.js';

const $ = (id) => document.getElementById(id);
const TOKEN_KEY = 'stampede.adminToken';
const WINDOW_S = 300;           // seconds of samples kept per sale
const MAX_EVENTS = 50;
const OUTCOMES = ['placed', 'sold_out', 'limit_exceeded', 'rate_limited', 'unavailable', 'other'];
const OUTCOME_COLOURS = ['#1a7f37', '#57606a', '#8250df', '#bc4c00', '#cf222e', '#0a3069'];

const state = {
  token: readToken(),
  stream: null,
  poll: null,
  sales: new Map(),        // id -> latest dashboard entry
  rows: new Map(),         // id -> {tr, cells}
  samples: new Map(),      // id -> columnar arrays
  selected: null,
  events: [],
  eventIds: new Set(),
  refundsTimer: null,
  charts: { stock: null, attempts: null },
  uPlot: null,
  lastQueueDepth: null,
  access: new Map(),       // id -> OPEN|WAITING_ROOM|DRAW, from the public sales list
  accessLoading: false,
  turnTimer: null,         // polls the selected sale's room or draw
};

function readToken() {
  try { return sessionStorage.getItem(TOKEN_KEY); } catch { return null; }
}
function writeToken(t) {
  try { if (t) sessionStorage.setItem(TOKEN_KEY, t); else sessionStorage.removeItem(TOKEN_KEY); } catch { /* ignore */ }
}

/** An admin call; a 401 sends the admin back to the token form. */
async function admin(path, options = {}) {
  const r = await request(path, { ...options, token: state.token });
  if (r.status === 401) showLogin('The admin token was refused. Enter it again.');
  return r;
}

// ------------------------------------------------------------------ login

function showLogin(message) {
  stopLive();
  state.token = null;
  writeToken(null);
  $('dashboard').hidden = true;
  $('admin-sign-out').hidden = true;
  $('login-section').hidden = false;
  $('admin-login-error').textContent = message || '';
  setStatus('closed', 'not connected');
  const input = $('admin-token');
  input.value = '';
  input.setAttribute('aria-invalid', message ? 'true' : 'false');
  input.focus();
}

async function tryToken(token) {
  $('admin-login-error').textContent = '';
  $('admin-sign-in').disabled = true;
  try {
    const r = await request('/api/admin/refunds', { token });
    if (r.status === 401) { showLogin('That token is not the admin token.'); return; }
    if (r.status === 0) { $('admin-login-error').textContent = 'The service could not be reached; try again.'; return; }
    state.token = token;
    writeToken(token);
    openDashboard(r.ok ? r.data : null);
  } finally {
    $('admin-sign-in').disabled = false;
  }
}

function openDashboard(refunds) {
  $('login-section').hidden = true;
  $('dashboard').hidden = false;
  $('admin-sign-out').hidden = false;
  $('admin-token').removeAttribute('aria-invalid');
  if (refunds) renderRefunds(refunds); else loadRefunds();
  startLive();
  if (state.refundsTimer) clearInterval(state.refundsTimer);
  state.refundsTimer = setInterval(loadRefunds, 10_000);
}

// ------------------------------------------------------------------ live stream

function setStatus(s, text) {
  const n = $('stream-status');
  n.dataset.state = s;
  n.textContent = text;
}

function startLive() {
  stopLive();
  state.stream = openEventStream('/api/admin/stream', {
    token: () => state.token,
    onEvent(type, data) {
      if (type !== 'dashboard') return;
      let msg;
      try { msg = JSON.parse(data); } catch { return; }
      stopPolling();
      setStatus('open', 'live');
      applyDashboard(msg);
    },
    onHttpError(status) {
      if (status === 401) { showLogin('The admin token was refused. Enter it again.'); return false; }
      return true;
    },
    onStatus(s, info) {
      if (s === 'retrying') {
        if (info.failures >= 3) startPolling();
        else if (!state.poll) setStatus('retrying', 'reconnecting…');
      } else if (s === 'connecting' && !state.poll && state.sales.size === 0) {
        setStatus('connecting', 'connecting…');
      }
    },
  });
}

function stopLive() {
  if (state.stream) { state.stream.close(); state.stream = null; }
  stopPolling();
  if (state.refundsTimer) { clearInterval(state.refundsTimer); state.refundsTimer = null; }
}

/** Without the live stream, the public sales list still gives the stock figures (no attempts, latency or drift). */
function startPolling() {
  if (state.poll) return;
  setStatus('polling', 'stream unavailable — polling stock every 2 s');
  const tick = async () => {
    const r = await request('/api/sales');
    if (!r.ok || !r.data || !Array.isArray(r.data.items)) return;
    applyDashboard({
      at: new Date().toISOString(),
      sales: r.data.items.map((s) => ({
        id: s.id, name: s.name, state: s.state, strategy: s.strategy, intake: s.intake, stock: s.stock,
        attempts: null, latencyMs: null, drift: undefined,
      })),
      intakeQueueDepth: undefined,
      events: [],
      polled: true,
    });
  };
  tick();
  state.poll = setInterval(tick, 2000);
}

function stopPolling() {
  if (state.poll) { clearInterval(state.poll); state.poll = null; }
}

function applyDashboard(msg) {
  const at = Date.parse(msg.at);
  const t = (Number.isNaN(at) ? Date.now() : at) / 1000;
  const items = Array.isArray(msg.sales) ? msg.sales : [];
  const seen = new Set();
  for (const s of items) {
    if (!s || typeof s.id !== 'string') continue;
    // the stream leaves out members that are null (no gate: drift; no attempts: latencyMs)
    if (!msg.polled && s.drift === undefined) s.drift = null;
    seen.add(s.id);
    state.sales.set(s.id, s);
    addSample(s, t);
  }
  for (const id of [...state.sales.keys()]) {
    if (!seen.has(id)) { state.sales.delete(id); state.samples.delete(id); }
  }
  if (items.some((s) => s && typeof s.id === 'string' && !state.access.has(s.id) && !s.access)) loadAccess();
  renderTable(items);
  if (!msg.polled) {
    $('queue-depth').textContent = msg.intakeQueueDepth == null ? 'unknown' : String(msg.intakeQueueDepth);
  }
  $('last-update').textContent = new Date(t * 1000).toLocaleTimeString();
  $('sales-count').textContent = String(state.sales.size);
  const all = items.reduce((sum, s) => sum + attemptsTotal(s), 0);
  $('attempts-all').textContent = items.some((s) => s.attempts) ? String(all) : '—';
  if (Array.isArray(msg.events) && msg.events.length) addEvents(msg.events);
  if (state.selected && !state.sales.has(state.selected)) selectSale(null);
  if (state.selected) renderDetail();
}

function attemptsTotal(s) {
  if (!s.attempts) return 0;
  return OUTCOMES.reduce((sum, k) => sum + (Number(s.attempts[k]) || 0), 0);
}

function addSample(s, t) {
  let d = state.samples.get(s.id);
  if (!d) {
    d = { t: [], available: [], reserved: [], sold: [] };
    for (const k of OUTCOMES) d[k] = [];
    state.samples.set(s.id, d);
  }
  const last = d.t.length ? d.t[d.t.length - 1] : -Infinity;
  if (t <= last) return; // the same second twice (poll and stream): keep the first
  const st = s.stock || {};
  d.t.push(t);
  d.available.push(num(st.available));
  d.reserved.push(num(st.reserved));
  d.sold.push(num(st.sold));
  for (const k of OUTCOMES) d[k].push(s.attempts ? num(s.attempts[k]) ?? 0 : null);
  let drop = 0;
  while (drop < d.t.length && d.t[drop] < t - WINDOW_S) drop++;
  if (drop) for (const key of Object.keys(d)) d[key].splice(0, drop);
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const fmt = (v) => (v == null ? '—' : String(v));
const ms = (v) => (typeof v === 'number' ? `${v < 10 ? v.toFixed(1) : Math.round(v)} ms` : '—');

function renderTable(items) {
  const body = $('sales-rows');
  for (const [id, row] of state.rows) {
    if (!state.sales.has(id)) { row.tr.remove(); state.rows.delete(id); }
  }
  let prev = null;
  for (const s of items) {
    if (!s || !state.sales.has(s.id)) continue;
    let row = state.rows.get(s.id);
    if (!row) { row = buildRow(s); state.rows.set(s.id, row); }
    const st = s.stock || {};
    const c = row.cells;
    c.name.textContent = s.name;
    c.state.textContent = s.state;
    c.state.dataset.state = s.state;
    const access = s.access || state.access.get(s.id);
    c.strategy.textContent = `${s.strategy || ''}${s.intake ? ' · ' + s.intake : ''}` +
      (access === 'WAITING_ROOM' ? ' · room' : access === 'DRAW' ? ' · draw' : '');
    c.available.textContent = fmt(st.available);
    c.reserved.textContent = fmt(st.reserved);
    c.sold.textContent = fmt(st.sold);
    c.total.textContent = fmt(st.total);
    c.attempts.textContent = s.attempts ? String(attemptsTotal(s)) : '—';
    c.p99.textContent = s.latencyMs && typeof s.latencyMs.p99 === 'number' ? ms(s.latencyMs.p99).replace(' ms', '') : '—';
    c.drift.textContent = s.drift === undefined ? '—' : s.drift === null ? 'n/a' : String(s.drift);
    const selected = state.selected === s.id;
    row.tr.setAttribute('aria-selected', String(selected));
    row.select.setAttribute('aria-pressed', String(selected));
    const want = prev ? prev.nextElementSibling : body.firstElementChild;
    if (want !== row.tr) { if (prev) prev.after(row.tr); else body.prepend(row.tr); }
    prev = row.tr;
  }
  $('sales-empty').hidden = state.rows.size > 0;
  if (state.rows.size === 0) $('sales-empty').textContent = 'No sales yet: create one below.';
}

function buildRow(s) {
  const id = s.id;
  const td = (label, cls, testid) => el('td', { 'data-label': label, class: cls, 'data-testid': testid });
  const cells = {
    name: td('Sale', null, `name-${id}`), strategy: td('Strategy', 'small'),
    available: td('Available', 'num', `available-${id}`), reserved: td('Reserved', 'num', `reserved-${id}`),
    sold: td('Sold', 'num', `sold-${id}`), total: td('Total', 'num', `total-${id}`),
    attempts: td('Attempts/s', 'num', `attempts-${id}`), p99: td('p99 ms', 'num', `p99-${id}`),
    drift: td('Drift', 'num', `drift-${id}`),
  };
  cells.state = el('span', { class: 'badge', 'data-testid': `state-${id}` });
  const select = el('button', { type: 'button', class: 'secondary', 'data-testid': `select-${id}`, 'aria-pressed': 'false',
    'aria-label': `Show details of ${s.name}` }, 'Details');
  select.addEventListener('click', () => selectSale(id, true));
  const tr = el('tr', { 'data-testid': `row-${id}`, id: `row-${id}` },
    cells.name, el('td', { 'data-label': 'State' }, cells.state), cells.strategy, cells.available, cells.reserved,
    cells.sold, cells.total, cells.attempts, cells.p99, cells.drift, el('td', { 'data-label': '' }, select));
  return { tr, cells, select };
}

// ------------------------------------------------------------------ selected sale

function selectSale(id, focus = false) {
  state.selected = id;
  for (const [rid, row] of state.rows) {
    row.tr.setAttribute('aria-selected', String(rid === id));
    row.select.setAttribute('aria-pressed', String(rid === id));
  }
  $('sale-detail').hidden = !id;
  $('sale-detail').dataset.saleId = id || '';
  $('reconcile-result').textContent = '';
  $('restock-result').textContent = '';
  $('room-rate-result').textContent = '';
  $('room-rate-input').value = '';
  stopTurnPanel();
  if (!id) return;
  startTurnPanel(id);
  renderDetail(true);
  if (focus) {
    $('detail-name').focus({ preventScroll: true });
    $('sale-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }
}

function renderDetail(fresh = false) {
  const s = state.sales.get(state.selected);
  if (!s) return;
  $('detail-name').textContent = s.name;
  const access = s.access || state.access.get(s.id) || '';
  $('detail-meta').replaceChildren(`${s.state} · ${s.strategy || ''} · ${s.intake || ''}`,
    access ? ' · ' : '', access ? el('span', { 'data-testid': 'detail-access', id: 'detail-access' }, access) : '', ` · id ${s.id}`);
  $('latency-p50').textContent = ms(s.latencyMs && s.latencyMs.p50);
  $('latency-p99').textContent = ms(s.latencyMs && s.latencyMs.p99);
  $('attempts-total').textContent = s.attempts ? String(attemptsTotal(s)) : '—';
  const drift = $('drift');
  drift.textContent = s.drift === undefined ? '—' : s.drift === null ? 'n/a (no gate)' : String(s.drift);
  drift.style.color = typeof s.drift === 'number' && s.drift !== 0 ? 'var(--bad)' : '';
  // the dashboard's line carries the room's or the draw's figures each second; the panel's poll adds the rest
  if (s.room && !$('room-panel').hidden) showRoomFigures(s.room);
  if (s.draw && !$('draw-panel').hidden) showDrawFigures(s.draw);
  drawCharts(fresh);
}

async function loadUPlot() {
  if (state.uPlot) return state.uPlot;
  try {
    const mod = await import('/webjars/uplot/dist/uPlot.esm.js');
    state.uPlot = mod.default;
  } catch (e) {
    console.warn('uPlot could not be loaded; charts are off', e);
    state.uPlot = false;
  }
  return state.uPlot;
}

function chartWidth(node) {
  return Math.max(240, Math.floor(node.clientWidth || node.getBoundingClientRect().width || 300));
}

function makeChart(uPlot, node, series, yLabel) {
  const opts = {
    width: chartWidth(node),
    height: 220,
    scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(1, max * 1.1)] } },
    series: [{ label: 'time' }, ...series.map((s) => ({ label: s.label, stroke: s.colour, width: 2, spanGaps: false,
      value: (_u, v) => (v == null ? '—' : String(v)) }))],
    axes: [{}, { label: yLabel, size: 56 }],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  const data = [[], ...series.map(() => [])];
  const chart = new uPlot(opts, data, node);
  new ResizeObserver(() => {
    const w = chartWidth(node);
    if (Math.abs(w - chart.width) > 2) chart.setSize({ width: w, height: 220 });
  }).observe(node);
  return chart;
}

async function drawCharts() {
  const uPlot = await loadUPlot();
  const d = state.samples.get(state.selected);
  if (!d) return;
  const stockNode = $('stock-chart');
  const attemptsNode = $('attempts-chart');
  if (!uPlot) {
    stockNode.dataset.samples = String(d.t.length);
    attemptsNode.dataset.samples = String(d.t.length);
    stockNode.textContent = attemptsNode.textContent = 'Charts unavailable (uPlot did not load).';
    return;
  }
  if (!state.charts.stock) {
    state.charts.stock = makeChart(uPlot, stockNode, [
      { label: 'available', colour: '#1a7f37' }, { label: 'reserved', colour: '#bc4c00' }, { label: 'sold', colour: '#0550ae' },
    ], 'units');
    state.charts.attempts = makeChart(uPlot, attemptsNode,
      OUTCOMES.map((k, i) => ({ label: k, colour: OUTCOME_COLOURS[i] })), 'attempts/s');
  }
  state.charts.stock.setData([d.t.slice(), d.available.slice(), d.reserved.slice(), d.sold.slice()]);
  state.charts.attempts.setData([d.t.slice(), ...OUTCOMES.map((k) => d[k].slice())]);
  stockNode.dataset.samples = String(d.t.length);
  attemptsNode.dataset.samples = String(d.t.length);
  const last = d.t.length - 1;
  if (last >= 0) {
    stockNode.setAttribute('aria-label', `Stock of the last ${d.t.length} seconds: now ${d.available[last]} available, ${d.reserved[last]} reserved, ${d.sold[last]} sold`);
  }
}

async function reconcile() {
  const id = state.selected;
  if (!id) return;
  const button = $('reconcile');
  const out = $('reconcile-result');
  button.disabled = true;
  out.className = 'message info';
  out.textContent = 'Reconciling…';
  try {
    const r = await admin(`/api/admin/sales/${encodeURIComponent(id)}/reconciliation`, { method: 'POST' });
    if (r.status === 401) return;
    if (r.ok && r.data) {
      const a = r.data;
      const db = a.database || {};
      out.className = a.consistent ? 'message ok' : 'message warn';
      out.dataset.consistent = String(!!a.consistent);
      out.textContent = `${a.consistent ? 'Consistent' : 'Not consistent'} · drift ${a.drift == null ? 'n/a' : a.drift} · ` +
        `database: ${db.available} available, ${db.reserved} reserved, ${db.sold} sold of ${db.total} · ` +
        `cache: ${a.cache && a.cache.available != null ? a.cache.available + ' available' : 'n/a'}`;
    } else {
      out.className = 'message bad';
      out.textContent = `Reconcile failed: ${r.problem.detail}`;
    }
  } finally {
    button.disabled = false;
  }
}

async function restock(e) {
  e.preventDefault();
  const id = state.selected;
  if (!id) return;
  const input = $('restock-quantity');
  const out = $('restock-result');
  const raw = input.value.trim();
  const quantity = /^-?\d+$/.test(raw) ? Number(raw) : raw === '' ? null : raw;
  $('restock-submit').disabled = true;
  out.className = 'message info';
  out.textContent = 'Restocking…';
  try {
    const r = await admin(`/api/admin/sales/${encodeURIComponent(id)}/restock`, { method: 'POST', body: { quantity } });
    if (r.status === 401) return;
    if (r.ok && r.data) {
      const st = r.data.stock || {};
      out.className = 'message ok';
      out.textContent = `Restocked by ${quantity}: ${st.available} available of ${st.total}.`;
      input.removeAttribute('aria-invalid');
    } else {
      out.className = 'message bad';
      out.textContent = `Restock refused: ${r.problem.detail}`;
      input.setAttribute('aria-invalid', 'true');
    }
  } finally {
    $('restock-submit').disabled = false;
  }
}

// ------------------------------------------------------------------ events, refunds

function addEvents(events) {
  const list = $('event-feed');
  for (const ev of events) {
    if (!ev || !ev.id || state.eventIds.has(ev.id)) continue;
    state.eventIds.add(ev.id);
    state.events.unshift(ev);
    list.prepend(eventNode(ev)); // new nodes only: the rows already shown stay as they are
  }
  while (state.events.length > MAX_EVENTS) {
    const gone = state.events.pop();
    state.eventIds.delete(gone.id);
    const n = list.querySelector(`[data-testid="event-${CSS.escape(gone.id)}"]`);
    if (n) n.remove();
  }
  $('feed-empty').hidden = state.events.length > 0;
}

function eventNode(ev) {
  const data = ev.data || {};
  const bits = [];
  if (data.saleId) bits.push(`sale ${String(data.saleId).slice(0, 8)}`);
  if (data.orderId) bits.push(`order ${String(data.orderId).slice(0, 8)}`);
  if (data.userId) bits.push(`user ${data.userId}`);
  if (data.quantity != null) bits.push(`qty ${data.quantity}`);
  if (data.status) bits.push(String(data.status));
  return el('li', { 'data-testid': `event-${ev.id}`, 'data-type': ev.type },
    el('span', { class: 'muted' }, ev.occurredAt ? new Date(ev.occurredAt).toLocaleTimeString() : ''),
    el('span', { class: 'type' }, ev.type),
    el('span', { class: 'muted' }, bits.join(' · ')));
}

async function loadRefunds() {
  if (!state.token) return;
  const r = await admin('/api/admin/refunds');
  if (r.status === 401) return;
  if (r.ok && r.data) { $('refunds-error').textContent = ''; renderRefunds(r.data); }
  else $('refunds-error').textContent = `Refunds could not be loaded: ${r.problem.detail}`;
}

function renderRefunds(data) {
  const items = Array.isArray(data.items) ? data.items : [];
  const sig = items.map((f) => f.id).join(',');
  if ($('refunds').dataset.sig === sig && sig) return; // unchanged: keep the rows (and any reference to them)
  $('refunds').dataset.sig = sig;
  $('refunds').replaceChildren(...items.map((f) => el('tr', { 'data-testid': `refund-${f.id}` },
    el('td', { 'data-label': 'When' }, localTime(f.createdAt)),
    el('td', { 'data-label': 'Order' }, el('code', { title: f.orderId }, String(f.orderId).slice(0, 8))),
    el('td', { 'data-label': 'Amount', class: 'num' }, money(f.amountCents)),
    el('td', { 'data-label': 'Reason' }, f.reason || ''))));
  $('refunds-empty').hidden = items.length > 0;
}

// ------------------------------------------------------------------ forms

// A form field: `key` names its input (<prefix>-<key>) and its error (<errPrefix><key>); `json` is the member it
// fills, dotted for a nested one; `only` sends it only when the sale's access is that one; `group` has no input (a
// rule about a whole object, shown above its fieldset).
const SALE_FIELDS = ['name', 'sku', 'stock', 'priceCents', 'startsAt', 'endsAt', 'perUserLimit', 'paymentTimeout',
  'strategy', 'intake', 'gateSegments', 'access', 'proofOfWork',
  { key: 'waitingRoom', group: true },
  { key: 'room-opensAt', json: 'waitingRoom.opensAt', only: 'WAITING_ROOM', instant: true },
  { key: 'room-admitPerSecond', json: 'waitingRoom.admitPerSecond', only: 'WAITING_ROOM', integer: true },
  { key: 'room-randomizeFor', json: 'waitingRoom.randomizeFor', only: 'WAITING_ROOM' },
  { key: 'room-admissionTtl', json: 'waitingRoom.admissionTtl', only: 'WAITING_ROOM' },
  { key: 'draw', group: true },
  { key: 'draw-entriesOpenAt', json: 'draw.entriesOpenAt', only: 'DRAW', instant: true }];
const CAMPAIGN_FIELDS = ['name', 'quantity', 'perUserLimit', 'startsAt', 'endsAt', 'discountCents'];
const INTEGER_FIELDS = new Set(['stock', 'priceCents', 'perUserLimit', 'gateSegments', 'quantity', 'discountCents', 'proofOfWork']);
const INSTANT_FIELDS = new Set(['startsAt', 'endsAt']);

function spec(f) {
  if (typeof f !== 'string') return { json: f.key, ...f };
  return { key: f, json: f, integer: INTEGER_FIELDS.has(f), instant: INSTANT_FIELDS.has(f) };
}

/** "YYYY-MM-DDTHH:MM:SS" in local time, for datetime-local inputs. */
function localInputValue(date) {
  const p = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

function formBody(prefix, fields) {
  const body = {};
  const access = $(`${prefix}-access`) ? $(`${prefix}-access`).value : null;
  for (const f of fields.map(spec)) {
    if (f.group || (f.only && f.only !== access)) continue;
    const input = $(`${prefix}-${f.key}`);
    const raw = input.value.trim();
    if (raw === '') continue;
    let value = raw;
    if (f.integer) value = /^-?\d+$/.test(raw) ? Number(raw) : raw;
    else if (f.instant) {
      const d = new Date(raw); // datetime-local: local time
      value = Number.isNaN(d.getTime()) ? raw : d.toISOString();
    }
    const path = f.json.split('.');
    let target = body;
    for (const p of path.slice(0, -1)) target = (target[p] ||= {});
    target[path[path.length - 1]] = value;
  }
  // a room or a draw is sent as an object even when all its fields are left empty, so the service names what is missing
  if (access === 'WAITING_ROOM') body.waitingRoom ||= {};
  if (access === 'DRAW') body.draw ||= {};
  return body;
}

/**
 * The server words a 400 VALIDATION as one detail string, the broken rules joined by "; " (SaleRules,
 * CampaignRules), each naming the JSON member first; a mistyped member reads "malformed or mistyped JSON at
 * 'stock'". Each rule goes next to the field whose JSON name appears first in it; the rest to the general line.
 */
export function mapErrors(detail, fields) {
  const byField = {};
  const general = [];
  const escape = (f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const part of String(detail || '').split(/;\s+/).filter(Boolean)) {
    let best = null;
    let bestAt = Infinity;
    for (const f of fields) {
      // a member's name, not part of a longer name ("waitingRoom.opensAt" is no mention of "opensAt" alone)
      const m = new RegExp(`(^|[^A-Za-z0-9.])${escape(f)}([^A-Za-z0-9.]|\\.(?![A-Za-z])|$)`).exec(part);
      // the first name mentioned wins; at the same place the longer one ("waitingRoom.opensAt" over "waitingRoom")
      if (m && (m.index < bestAt || (m.index === bestAt && f.length > best.length))) { best = f; bestAt = m.index; }
    }
    if (best) (byField[best] ||= []).push(part);
    else general.push(part);
  }
  return { byField, general };
}

function clearErrors(prefix, errPrefix, fields, form) {
  for (const f of fields.map(spec)) {
    $(`${errPrefix}${f.key}`).textContent = '';
    const input = $(`${prefix}-${f.key}`);
    if (input) input.removeAttribute('aria-invalid');
  }
  $(`${form}-error`).textContent = '';
  $(`${form}-result`).textContent = '';
}

function showErrors(prefix, errPrefix, fields, form, problem, what) {
  const specs = fields.map(spec);
  const { byField, general } = mapErrors(problem.detail, specs.map((f) => f.json));
  let first = null;
  for (const f of specs) {
    const msgs = byField[f.json];
    if (!msgs) continue;
    $(`${errPrefix}${f.key}`).textContent = msgs.join('; ');
    const input = $(`${prefix}-${f.key}`);
    if (!input) continue;
    input.setAttribute('aria-invalid', 'true');
    const described = new Set((input.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
    described.add(`${errPrefix}${f.key}`);
    input.setAttribute('aria-describedby', [...described].join(' '));
    first ||= input;
  }
  const lead = problem.code === 'VALIDATION' ? `The ${what} was not created: ` : `The ${what} was not created (${problem.status || 'network'} ${problem.code}): `;
  $(`${form}-error`).textContent = lead + (general.length ? general.join('; ') : problem.detail);
  if (first) first.focus();
}

function wireForm({ form, prefix, errPrefix, fields, path, what, done }) {
  $(form).addEventListener('submit', async (e) => {
    e.preventDefault();
    const submit = $(`${form}-submit`);
    if (submit.disabled) return;
    clearErrors(prefix, errPrefix, fields, form);
    submit.disabled = true;
    try {
      const r = await admin(path, { method: 'POST', body: formBody(prefix, fields) });
      if (r.status === 401) return;
      if (r.ok && r.data) { $(`${form}-result`).textContent = done(r.data); return; }
      showErrors(prefix, errPrefix, fields, form, r.problem, what);
    } finally {
      submit.disabled = false;
    }
  });
}

function fillDefaults() {
  const now = new Date();
  now.setMilliseconds(0);
  const later = new Date(now.getTime() + 3600_000);
  const rnd = Math.random().toString(36).slice(2, 6).toUpperCase();
  const set = (id, v) => { const n = $(id); if (!n.value) n.value = v; };
  set('sale-name', 'Flash sale ' + rnd);
  set('sale-sku', 'SKU-' + rnd);
  set('sale-stock', '100');
  set('sale-priceCents', '1999');
  set('sale-startsAt', localInputValue(now));
  set('sale-endsAt', localInputValue(later));
  set('sale-perUserLimit', '1');
  set('sale-paymentTimeout', 'PT15M');
  set('campaign-name', 'Coupons ' + rnd);
  set('campaign-quantity', '100');
  set('campaign-perUserLimit', '1');
  set('campaign-discountCents', '500');
  set('campaign-startsAt', localInputValue(now));
  set('campaign-endsAt', localInputValue(new Date(now.getTime() + 24 * 3600_000)));
}

/** The room's or the draw's fields follow the access chosen, with defaults that the service takes. */
function accessChanged() {
  const access = $('sale-access').value;
  $('sale-room-fields').hidden = access !== 'WAITING_ROOM';
  $('sale-draw-fields').hidden = access !== 'DRAW';
  if (access === 'OPEN') return;
  const now = new Date();
  now.setMilliseconds(0);
  const startsAt = new Date($('sale-startsAt').value);
  if (Number.isNaN(startsAt.getTime()) || startsAt.getTime() <= now.getTime() + 60_000) {
    // shoppers need the time between the opening of the room (or of the entries) and the start
    const start = new Date(now.getTime() + 10 * 60_000);
    $('sale-startsAt').value = localInputValue(start);
    const ends = new Date($('sale-endsAt').value);
    if (Number.isNaN(ends.getTime()) || ends <= start) $('sale-endsAt').value = localInputValue(new Date(start.getTime() + 3600_000));
  }
  const set = (id, v) => { const n = $(id); if (!n.value) n.value = v; };
  if (access === 'WAITING_ROOM') {
    set('sale-room-opensAt', localInputValue(now));
    set('sale-room-admitPerSecond', '50');
  } else {
    set('sale-draw-entriesOpenAt', localInputValue(now));
    $('sale-perUserLimit').value = '1'; // each winner gets one unit
  }
}

// ------------------------------------------------------------------ the selected sale's room or draw

async function loadAccess() {
  if (state.accessLoading) return;
  state.accessLoading = true;
  try {
    const r = await request('/api/sales');
    if (r.ok && r.data && Array.isArray(r.data.items)) {
      for (const s of r.data.items) if (s && s.id) state.access.set(s.id, s.access || 'OPEN');
      renderTable([...state.sales.values()]);
      if (state.selected) renderDetail();
    }
  } finally {
    state.accessLoading = false;
  }
}

function stopTurnPanel() {
  if (state.turnTimer) { clearTimeout(state.turnTimer); state.turnTimer = null; }
  $('room-panel').hidden = true;
  $('draw-panel').hidden = true;
}

/** Follows the selected sale's room (GET /api/sales/{id}) or draw (GET /api/sales/{id}/draw) every second. */
function startTurnPanel(id) {
  const step = async () => {
    if (state.selected !== id) return;
    const r = await request(`/api/sales/${encodeURIComponent(id)}`);
    if (state.selected !== id) return;
    let again = true;
    if (r.ok && r.data) {
      const sale = r.data;
      const access = sale.access || 'OPEN';
      state.access.set(id, access);
      if (access === 'WAITING_ROOM') renderRoomPanel(sale);
      else if (access === 'DRAW') {
        const d = await request(`/api/sales/${encodeURIComponent(id)}/draw`);
        if (state.selected !== id) return;
        renderDrawPanel(sale, d.ok ? d.data : null);
      } else again = false; // an open sale has neither
    }
    if (again) state.turnTimer = setTimeout(step, 1000);
  };
  step();
}

function showRoomFigures(f) {
  $('room-admitted').textContent = fmt(f.admitted);
  $('room-waiting').textContent = fmt(f.waiting);
  $('room-rate').textContent = fmt(f.admitPerSecond);
}

function renderRoomPanel(sale) {
  const wr = sale.waitingRoom || {};
  $('room-panel').hidden = false;
  $('draw-panel').hidden = true;
  showRoomFigures(wr);
  const starts = $('room-admission-starts');
  starts.textContent = wr.admissionStartsAt ? new Date(wr.admissionStartsAt).toLocaleTimeString() : '—';
  starts.title = wr.admissionStartsAt ? localTime(wr.admissionStartsAt) : '';
  const input = $('room-rate-input');
  if (!input.value && document.activeElement !== input && wr.admitPerSecond != null) input.value = String(wr.admitPerSecond);
}

function renderDrawPanel(sale, draw) {
  const d = { ...(sale.draw || {}), ...(draw || {}) };
  $('draw-panel').hidden = false;
  $('room-panel').hidden = true;
  showDrawFigures(d);
  $('draw-units').textContent = fmt(d.units ?? (sale.stock || {}).total);
  $('draw-winners').textContent = draw && Array.isArray(draw.winners) ? String(draw.winners.length) : '—';
  showWinners(sale.id, draw && Array.isArray(draw.winners) ? draw.winners : []);
  $('draw-verify-link').href = `/draw/verify?sale=${encodeURIComponent(sale.id)}`;
}

const SHOWN_WINNERS = 200;

/** The winners so far by name, in draw order: redrawn only when they change, so a selection or a scroll stays. */
function showWinners(saleId, winners) {
  const list = $('draw-winner-list');
  const key = `${saleId}:${winners.length}:${winners.length ? winners[winners.length - 1].userId : ''}`;
  if (list.dataset.key === key) return;
  list.dataset.key = key;
  const shown = winners.slice(0, SHOWN_WINNERS);
  list.replaceChildren(...shown.map((w) => el('li', { value: String(w.rank), 'data-testid': `draw-winner-${w.rank}` }, w.userId)));
  const more = $('draw-winner-more');
  more.hidden = winners.length <= SHOWN_WINNERS;
  more.textContent = more.hidden ? '' : `and ${fmt(winners.length - SHOWN_WINNERS)} more; GET /api/sales/${saleId}/draw lists every one`;
}

function showDrawFigures(d) {
  $('draw-state').textContent = d.state || '—';
  $('draw-entries').textContent = fmt(d.entries);
  $('draw-seed-hash').textContent = d.seedHash || '—';
  $('draw-entries-hash').textContent = d.entriesHash || '—';
  $('draw-seed').textContent = d.seed || '—';
}

async function changeRate(e) {
  e.preventDefault();
  const id = state.selected;
  if (!id) return;
  const input = $('room-rate-input');
  const out = $('room-rate-result');
  const raw = input.value.trim();
  const admitPerSecond = /^\d+$/.test(raw) ? Number(raw) : raw === '' ? null : raw;
  $('room-rate-submit').disabled = true;
  out.className = 'message info';
  out.textContent = 'Changing the rate…';
  try {
    const r = await admin(`/api/admin/sales/${encodeURIComponent(id)}/room`, { method: 'PUT', body: { admitPerSecond } });
    if (r.status === 401) return;
    if (r.ok && r.data) {
      // the room's figures: {admitted, waiting, admitPerSecond}
      const figures = r.data.waitingRoom || r.data;
      out.className = 'message ok';
      out.textContent = `The room now lets ${figures.admitPerSecond ?? admitPerSecond} shoppers through per second.`;
      input.removeAttribute('aria-invalid');
      if (typeof figures.admitPerSecond === 'number') showRoomFigures(figures);
    } else {
      out.className = 'message bad';
      out.textContent = `Rate not changed: ${r.problem.detail}`;
      input.setAttribute('aria-invalid', 'true');
    }
  } finally {
    $('room-rate-submit').disabled = false;
  }
}

// ------------------------------------------------------------------ start

function start() {
  fillDefaults();
  wireForm({
    form: 'create-sale', prefix: 'sale', errPrefix: 'error-', fields: SALE_FIELDS, path: '/api/admin/sales', what: 'sale',
    done: (s) => {
      if (!state.poll && !state.stream) startLive();
      if (s.access) state.access.set(s.id, s.access);
      const how = s.access === 'WAITING_ROOM' ? ', through a waiting room' : s.access === 'DRAW' ? ', by draw' : '';
      return `Created “${s.name}” (${s.state}${how}, id ${s.id}).`;
    },
  });
  wireForm({
    form: 'create-campaign', prefix: 'campaign', errPrefix: 'error-campaign-', fields: CAMPAIGN_FIELDS,
    path: '/api/admin/coupon-campaigns', what: 'campaign',
    done: (c) => `Created campaign “${c.name}”: ${c.quantity} coupons of ${money(c.discountCents)} (id ${c.id}).`,
  });
  $('admin-login').addEventListener('submit', (e) => {
    e.preventDefault();
    const token = $('admin-token').value.trim();
    if (!token) { $('admin-login-error').textContent = 'Enter the admin token.'; $('admin-token').focus(); return; }
    tryToken(token);
  });
  $('admin-sign-out').addEventListener('click', () => showLogin(''));
  $('reconcile').addEventListener('click', reconcile);
  $('restock').addEventListener('submit', restock);
  $('room-rate-form').addEventListener('submit', changeRate);
  $('sale-access').addEventListener('change', accessChanged);
  accessChanged();
  $('refunds-refresh').addEventListener('click', loadRefunds);
  if (state.token) tryToken(state.token);
  else showLogin('');
}

window.addEventListener('unhandledrejection', (e) => { console.warn('unhandled', e.reason); e.preventDefault(); });
start();
