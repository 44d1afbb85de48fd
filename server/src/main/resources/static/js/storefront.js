// Storefront: live sales (SSE with polling fallback), buying with one Idempotency-Key per intended purchase,
// my orders (pushed by /api/me/stream), coupon campaigns and my coupons; the waiting room and the draw of
// docs/fair-drops.md, with their proof of work solved in a Web Worker.
import {
  request, shopperRequest, withIdempotentRetries, loadSession, saveSession, signIn,
  money, localTime, duration, el,
} from './api.js';
import { openEventStream } from './sse.js';
import { solveProofOfWork } from './pow.js';

const $ = (id) => document.getElementById(id);
const salesEmpty = $('sales-empty'); // taken out of the grid while there are sales

const state = {
  session: loadSession(),
  sales: new Map(),      // id -> sale
  cards: new Map(),      // id -> {root, refs, busy}
  orders: new Map(),     // id -> order
  coupons: [],           // my coupons
  campaigns: [],
  serverOffsetMs: 0,     // server clock minus local clock, from the sales stream's `at`
  salesStreamEvents: 0,
  turns: new Map(),      // sale id -> the shopper's place in its waiting room or entry in its draw (see turnOf)
  roomFrames: new Map(), // sale id -> {at, admitted, waiting, rate}: the room's figures as last pushed
};

const now = () => Date.now() + state.serverOffsetMs;
const FINAL = new Set(['PAID', 'FULFILLED', 'CANCELLED', 'EXPIRED', 'REFUNDED', 'REJECTED']);

// ---------------------------------------------------------------- session

function randomName() {
  const bytes = new Uint8Array(3);
  crypto.getRandomValues(bytes);
  return 'shopper-' + Array.from(bytes, (b) => b.toString(36).padStart(2, '0')).join('').slice(0, 5);
}

function renderSession() {
  const s = state.session;
  const input = $('user-id');
  if (s) input.value = s.userId;
  else if (!input.value) input.value = randomName();
  $('signed-in-as').textContent = s ? `Signed in as ${s.userId}` : 'Not signed in';
  $('sign-out').hidden = !s;
  $('sign-in').textContent = s ? 'Switch' : 'Sign in';
}

function showSignInError(text) { $('sign-in-error').textContent = text || ''; }

async function doSignIn(userId) {
  showSignInError('');
  const r = await signIn(userId);
  if (!r.ok) {
    const p = r.result.problem;
    showSignInError(p.status === 404 ? 'Demo sign-in is switched off on this server.'
      : p.code === 'VALIDATION' ? 'Choose a name of 1 to 64 letters, digits or _ . @ : -' : `Sign-in failed: ${p.detail}`);
    return null;
  }
  const changed = !state.session || state.session.userId !== r.session.userId;
  state.session = r.session;
  renderSession();
  if (changed) {
    state.orders.clear();
    renderOrders();
    state.coupons = [];
    renderCoupons();
    forgetTurns();
  }
  restartMeStream();
  loadOrders();
  loadCoupons();
  loadTurns();
  return r.session;
}

/** The current session, signing in with the name in the form when there is none (a shopper may just press Buy). */
async function ensureSession() {
  if (state.session && state.session.token) return state.session;
  const name = (state.session && state.session.userId) || $('user-id').value.trim() || randomName();
  return doSignIn(name);
}

function signOut() {
  saveSession(null);
  state.session = null;
  if (meStream) { meStream.close(); meStream = null; }
  stopOrdersPolling();
  state.orders.clear();
  state.coupons = [];
  forgetTurns();
  $('user-id').value = randomName();
  renderSession();
  renderOrders();
  renderCoupons();
}

/** After a shopper call, keep the in-memory session in step with what api.js stored (it re-signs on 401). */
function syncSession() {
  const s = loadSession();
  if (s && s.token) state.session = s;
}

// ---------------------------------------------------------------- sales feed

let salesStream = null;
let salesPoll = null;

function setFeedStatus(stateName, text) {
  const s = $('stream-status');
  s.dataset.state = stateName;
  s.textContent = text;
}

function startSalesFeed() {
  salesStream = openEventStream('/api/stream/sales', {
    onEvent(type, data) {
      if (type !== 'sales') return;
      let msg;
      try { msg = JSON.parse(data); } catch { return; }
      state.salesStreamEvents++;
      if (msg.at) {
        const t = Date.parse(msg.at);
        if (!Number.isNaN(t)) state.serverOffsetMs = t - Date.now();
      }
      stopSalesPolling();
      setFeedStatus('open', 'live');
      const at = Date.parse(msg.at);
      applySales(Array.isArray(msg.items) ? msg.items : [], Number.isNaN(at) ? now() : at);
    },
    onStatus(s, info) {
      if (s === 'retrying') {
        if (info.failures >= 3) startSalesPolling();
        else if (!salesPoll) setFeedStatus('retrying', 'reconnecting…');
      } else if (s === 'connecting' && !salesPoll && state.salesStreamEvents === 0) {
        setFeedStatus('connecting', 'connecting…');
      }
    },
  });
}

function startSalesPolling() {
  if (salesPoll) return;
  setFeedStatus('polling', 'polling every 2 s');
  const tick = async () => {
    const r = await request('/api/sales');
    if (r.ok && r.data && Array.isArray(r.data.items)) applySales(r.data.items);
  };
  tick();
  salesPoll = setInterval(tick, 2000);
}

function stopSalesPolling() {
  if (salesPoll) { clearInterval(salesPoll); salesPoll = null; }
}

async function initialSales() {
  const r = await request('/api/sales');
  if (state.salesStreamEvents > 0) return; // the stream was quicker
  if (r.ok && r.data && Array.isArray(r.data.items)) applySales(r.data.items);
  else salesEmpty.textContent = 'The sales could not be loaded; retrying…';
}

/** Shows the sales; `at` is the server time they were read at (the stream's `at`), for the rooms' figures. */
function applySales(items, at = now()) {
  const container = $('sales');
  const seen = new Set();
  for (const sale of items) {
    if (!sale || typeof sale.id !== 'string') continue;
    seen.add(sale.id);
    state.sales.set(sale.id, sale);
    if (sale.waitingRoom) noteRoomFigures(sale.id, sale.waitingRoom, at);
    let card = state.cards.get(sale.id);
    if (!card) {
      card = createCard(sale);
      state.cards.set(sale.id, card);
      if (state.session && accessOf(sale) !== 'OPEN') loadTurn(card);
    }
    updateCard(card, sale);
  }
  for (const [id, card] of state.cards) {
    if (!seen.has(id)) {
      card.root.remove(); state.cards.delete(id); state.sales.delete(id); state.roomFrames.delete(id);
    }
  }
  // keep the server's order (newest first) without moving nodes needlessly (moving one drops its focus)
  let prev = null;
  for (const sale of items) {
    const card = state.cards.get(sale && sale.id);
    if (!card) continue;
    const want = prev ? prev.nextElementSibling : container.firstElementChild;
    if (want !== card.root) {
      if (prev) prev.after(card.root); else container.prepend(card.root);
    }
    prev = card.root;
  }
  const empty = salesEmpty;
  if (state.cards.size === 0) {
    empty.textContent = 'No sales right now.';
    if (!empty.isConnected) container.append(empty);
  } else if (empty.isConnected) {
    empty.remove();
  }
  for (const o of state.orders.values()) refreshOrderSaleName(o);
}

function createCard(sale) {
  const id = sale.id;
  const refs = {};
  refs.name = el('h3', { id: `sale-name-${id}`, 'data-testid': `sale-name-${id}` });
  refs.badge = el('span', { class: 'badge', 'data-testid': `state-${id}` });
  refs.price = el('div', { class: 'price', 'data-testid': `price-${id}` });
  refs.countdown = el('div', { class: 'countdown', 'data-testid': `countdown-${id}` });
  refs.barAvailable = el('span', { class: 'available' });
  refs.barReserved = el('span', { class: 'reserved' });
  refs.barSold = el('span', { class: 'sold' });
  refs.bar = el('div', { class: 'stockbar', role: 'img', 'data-testid': `stock-${id}` },
    refs.barAvailable, refs.barReserved, refs.barSold);
  refs.available = el('span', { 'data-testid': `available-${id}` });
  refs.reserved = el('span', { 'data-testid': `reserved-${id}` });
  refs.sold = el('span', { 'data-testid': `sold-${id}` });
  refs.total = el('span', { 'data-testid': `total-${id}` });
  const legend = el('div', { class: 'legend' },
    el('span', { class: 'key available' }, refs.available, ' available'),
    el('span', { class: 'key reserved' }, refs.reserved, ' reserved'),
    el('span', { class: 'key sold' }, refs.sold, ' sold'),
    el('span', {}, 'of ', refs.total));
  refs.qty = el('input', {
    id: `qty-${id}`, 'data-testid': `qty-${id}`, type: 'number', min: '1', step: '1', value: '1', inputmode: 'numeric',
  });
  refs.coupon = el('select', { id: `coupon-${id}`, 'data-testid': `coupon-${id}` });
  refs.buy = el('button', { type: 'submit', 'data-testid': `buy-${id}`, id: `buy-${id}` }, 'Buy');
  refs.outcome = el('div', {
    class: 'outcome message', 'data-testid': `outcome-${id}`, id: `outcome-${id}`, role: 'status', 'aria-live': 'polite',
  });
  refs.meta = el('div', { class: 'small muted' });
  const form = el('form', { class: 'buy-row', novalidate: true, 'aria-label': 'Buy' },
    el('div', { class: 'field' }, el('label', { for: `qty-${id}` }, 'Quantity'), refs.qty),
    el('div', { class: 'field coupon' }, el('label', { for: `coupon-${id}` }, 'Coupon'), refs.coupon),
    refs.buy);
  refs.form = form;
  const card = { id, root: null, refs, busy: false, access: accessOf(sale) };
  if (card.access === 'WAITING_ROOM') buildRoom(card);
  else if (card.access === 'DRAW') { buildDraw(card); form.hidden = true; }
  card.root = el('article', { class: 'card sale', 'data-testid': `sale-${id}`, id: `sale-${id}`, 'aria-labelledby': `sale-name-${id}`,
    'data-access': card.access },
  el('div', { class: 'sale-head' }, refs.name, refs.badge),
  refs.price, refs.meta, refs.countdown, refs.bar, legend, card.turn ? card.turn.root : null, form, refs.outcome);
  form.addEventListener('submit', (e) => { e.preventDefault(); buy(card); });
  return card;
}

function updateCard(card, sale) {
  const { refs, root } = card;
  const st = sale.stock || { total: 0, available: 0, reserved: 0, sold: 0 };
  refs.name.textContent = sale.name;
  refs.badge.textContent = sale.state;
  refs.badge.dataset.state = sale.state;
  root.dataset.state = sale.state;
  refs.price.textContent = money(sale.priceCents);
  refs.meta.textContent = `${sale.sku} · limit ${sale.perUserLimit} per shopper` +
    (card.access === 'WAITING_ROOM' ? ' · through a waiting room' : card.access === 'DRAW' ? ' · by draw' : '');
  refs.available.textContent = st.available;
  refs.reserved.textContent = st.reserved;
  refs.sold.textContent = st.sold;
  refs.total.textContent = st.total;
  Object.assign(refs.bar.dataset, { total: st.total, available: st.available, reserved: st.reserved, sold: st.sold });
  const pct = (n) => (st.total > 0 ? Math.max(0, Math.min(100, (n / st.total) * 100)) : 0) + '%';
  refs.barAvailable.style.width = pct(st.available);
  refs.barReserved.style.width = pct(st.reserved);
  refs.barSold.style.width = pct(st.sold);
  refs.bar.setAttribute('aria-label', `${st.available} available, ${st.reserved} reserved, ${st.sold} sold of ${st.total}`);
  refs.qty.max = String(sale.perUserLimit || 1);
  fillCouponSelect(card);
  updateCountdown(card, sale);
  renderTurn(card);
}

function updateCountdown(card, sale) {
  const t = now();
  const starts = Date.parse(sale.startsAt);
  const ends = Date.parse(sale.endsAt);
  let text = '';
  let title = '';
  if (sale.state === 'SCHEDULED' && card.access === 'DRAW') {
    text = starts > t ? `Draw in ${duration(starts - t)}` : 'Drawing…';
    title = `The draw is made ${localTime(sale.startsAt)}`;
  } else if (sale.state === 'SCHEDULED') {
    text = starts > t ? `Starts in ${duration(starts - t)}` : 'Starting…';
    title = `Starts ${localTime(sale.startsAt)}`;
  } else if (sale.state === 'ACTIVE' || sale.state === 'SOLD_OUT') {
    text = ends > t ? `Ends in ${duration(ends - t)}` : 'Ending…';
    title = `Ends ${localTime(sale.endsAt)}`;
  } else if (sale.state === 'ENDED') {
    text = `Ended ${localTime(sale.endsAt)}`;
  }
  if (card.refs.countdown.textContent !== text) card.refs.countdown.textContent = text;
  card.refs.countdown.title = title;
}

// ---------------------------------------------------------------- buying

function setOutcome(card, kind, text) {
  card.refs.outcome.dataset.outcome = kind;
  card.refs.outcome.textContent = text;
  const cls = { bought: 'ok', queued: 'info', pending: 'info', retrying: 'warn', busy: 'warn', admission_required: 'warn' }[kind] || 'bad';
  card.refs.outcome.className = `outcome message ${cls}`;
}

async function buy(card) {
  if (card.busy) return;
  const sale = state.sales.get(card.id);
  const raw = card.refs.qty.value.trim();
  const quantity = Number(raw);
  if (!/^\d+$/.test(raw) || quantity < 1) {
    setOutcome(card, 'error', `Choose a quantity from 1 to ${sale ? sale.perUserLimit : 1}.`);
    card.refs.qty.focus();
    return;
  }
  const headers = {};
  if (card.access === 'WAITING_ROOM') {
    const room = turnOf(card.id).room;
    if (!room || room.state !== 'ADMITTED' || !room.admissionToken) {
      setOutcome(card, 'admission_required', 'Wait for your turn: join the waiting room above, then buy when it lets you through.');
      return;
    }
    headers['Admission-Token'] = room.admissionToken;
  }
  card.busy = true;
  card.refs.buy.disabled = true;
  card.refs.buy.setAttribute('aria-busy', 'true');
  setOutcome(card, 'pending', 'Buying…');
  try {
    const session = await ensureSession();
    if (!session) { setOutcome(card, 'error', 'Sign in first (top of the page).'); return; }
    const body = { quantity };
    const couponCode = card.refs.coupon.value;
    if (couponCode) body.couponCode = couponCode;
    const r = await withIdempotentRetries(
      (key) => shopperRequest(`/api/sales/${encodeURIComponent(card.id)}/purchases`, { method: 'POST', body, idempotencyKey: key, headers }),
      { attempts: 4, onRetry: (_res, attempt) => setOutcome(card, 'retrying', `Busy, retrying… (try ${attempt + 1} of 4)`) });
    syncSession();
    showPurchaseOutcome(card, sale, r);
    if (r.ok && r.data) upsertOrder(r.data);
    if (couponCode) loadCoupons();
    if (r.problem && r.problem.code.startsWith('ADMISSION_')) pollRoom(card);
  } finally {
    card.busy = false;
    card.refs.buy.disabled = false;
    card.refs.buy.removeAttribute('aria-busy');
    syncBuyButton(card);
  }
}

function showPurchaseOutcome(card, sale, r) {
  const short = (id) => (id ? String(id).slice(0, 8) : '');
  if (r.status === 201) {
    const o = r.data || {};
    setOutcome(card, 'bought', `Bought! Order ${short(o.id || o.orderId)} is reserved for you — pay by ${localTime(o.expiresAt)}.`);
    return;
  }
  if (r.status === 202) {
    const o = r.data || {};
    setOutcome(card, 'queued', `You are in the queue… order ${short(o.id || o.orderId)} is being confirmed (see My orders).`);
    return;
  }
  if (r.ok) { setOutcome(card, 'bought', 'Bought!'); return; }
  const p = r.problem;
  switch (p.code) {
    case 'SOLD_OUT':
      setOutcome(card, 'sold_out', 'Sold out — every unit is taken.');
      return;
    case 'LIMIT_EXCEEDED':
      setOutcome(card, 'limit_exceeded', `Limit reached — ${p.detail}.`);
      return;
    case 'ADMISSION_REQUIRED':
      setOutcome(card, 'admission_required', 'Wait for your turn: join the waiting room above, then buy when it lets you through.');
      return;
    case 'ADMISSION_INVALID':
      setOutcome(card, 'admission_invalid', 'Your pass from the waiting room was not accepted; checking your place again…');
      return;
    case 'ADMISSION_EXPIRED':
      setOutcome(card, 'admission_expired', 'Your turn has passed: join the waiting room again to queue for another.');
      return;
    case 'DRAW_ONLY':
      setOutcome(card, 'draw_only', 'This sale goes by draw: enter the draw above instead of buying.');
      return;
    case 'SALE_NOT_ACTIVE': {
      const starts = sale ? Date.parse(sale.startsAt) : NaN;
      if (!Number.isNaN(starts) && now() < starts) {
        setOutcome(card, 'not_active', `Not started yet — the sale opens ${localTime(sale.startsAt)}.`);
      } else {
        setOutcome(card, 'not_active', sale ? `This sale has ended (${localTime(sale.endsAt)}).` : 'This sale is not running.');
      }
      return;
    }
    default: break;
  }
  if (r.status === 429 || r.status === 503 || p.code === 'NETWORK') {
    setOutcome(card, 'busy', p.code === 'NETWORK'
      ? 'Busy — the shop could not be reached. Please try again in a moment.'
      : 'Busy — too many shoppers right now. Please try again in a moment.');
    return;
  }
  if (r.status === 401) { setOutcome(card, 'error', 'Your session ended — please sign in again.'); return; }
  if (p.code === 'NOT_FOUND') { setOutcome(card, 'error', 'This sale no longer exists.'); return; }
  setOutcome(card, 'error', `Not bought: ${p.detail}`);
}

// ---------------------------------------------------------------- waiting room and draw (docs/fair-drops.md)

// A waiting page lives on the catalogue push (the room's admitted count) and asks for its place only when it should
// have been reached: a room of 100,000 tabs polling every 10 s would take three server cores (docs/benchmarks,
// "A room of 100,000 waiting shoppers"), so the fallback is once a minute.
const ROOM_FALLBACK_POLL_MS = 60_000;
const DRAWN_PLACES_PER_SECOND = 2_000; // how fast a randomized crowd may ask for its freshly drawn places
const REACHED_POLL_MS = 1_000;        // …and every second once their place should have been reached
const ENTRY_POLL_MS = 1_000;          // an entrant asks for their result this often once the draw is due
const WAITING_LIST_POLL_MS = 15_000;  // a shopper on the waiting list checks whether a unit came back

const accessOf = (sale) => (sale && (sale.access === 'WAITING_ROOM' || sale.access === 'DRAW') ? sale.access : 'OPEN');
const ms = (iso) => (iso ? Date.parse(iso) : NaN);
const jitter = (range) => Math.floor(Math.random() * range);
const short = (id) => (id ? String(id).slice(0, 8) : '');
const count = (n) => (typeof n === 'number' && Number.isFinite(n) ? Math.floor(n).toLocaleString('en-US') : '—');

/** The shopper's turn in a sale: their place in its room or their entry in its draw, and when to ask again. */
function turnOf(id) {
  let t = state.turns.get(id);
  if (!t) {
    t = {
      room: null, roomBase: null, entry: null, loaded: false,
      nextPoll: 0, lastPoll: 0, polling: false, version: 0, reachedAt: null, reachedPolls: 0, entryPolls: 0,
      announced: '', entryProblem: '',
    };
    state.turns.set(id, t);
  }
  return t;
}

function forgetTurns() {
  state.turns.clear();
  for (const card of state.cards.values()) {
    if (!card.turn) continue;
    setPow(card, 'idle', '');
    if (card.turn.message) setMessage(card.turn.message, '', '');
    renderTurn(card);
  }
}

function setText(node, text) {
  const v = String(text);
  if (node.textContent !== v) node.textContent = v;
}

function setMessage(node, cls, text) {
  const c = `message ${cls}`;
  if (node.className !== c) node.className = c;
  setText(node, text);
}

/** The room's figures as pushed by the sales stream (or polled), with the server time they were read at. */
function noteRoomFigures(id, wr, at) {
  if (typeof wr.admitted !== 'number') return;
  const have = state.roomFrames.get(id);
  if (have && have.at > at) return;
  state.roomFrames.set(id, { at, admitted: wr.admitted, waiting: wr.waiting, rate: wr.admitPerSecond });
}

/**
 * The room's figures now, extrapolated from the freshest of the last push and the shopper's own last answer:
 * the room lets `admitPerSecond` places through each second from `admissionStartsAt`.
 */
function roomNow(card, sale, t) {
  const wr = sale.waitingRoom || {};
  const turn = turnOf(card.id);
  let base = state.roomFrames.get(card.id) || null;
  if (turn.roomBase && (!base || turn.roomBase.at > base.at)) base = turn.roomBase;
  const rate = base && base.rate > 0 ? base.rate : (wr.admitPerSecond > 0 ? wr.admitPerSecond : 0);
  if (!base) return { admitted: wr.admitted ?? null, waiting: wr.waiting ?? null, rate, exact: false };
  const from = Math.max(base.at, ms(wr.admissionStartsAt) || -Infinity);
  const gained = t > from ? Math.floor(((t - from) / 1000) * rate) : 0;
  const total = (base.admitted || 0) + (base.waiting || 0);
  const admitted = Math.min(Math.max(base.admitted || 0, total), (base.admitted || 0) + gained);
  return { admitted, waiting: Math.max(0, total - admitted), rate, exact: gained === 0 };
}

function setPow(card, kind, text) {
  const n = card.turn.pow;
  n.dataset.state = kind;
  setMessage(n, kind === 'failed' ? 'bad' : kind === 'solved' ? 'ok' : 'info', text);
}

/**
 * When the sale asks for a proof of work: a challenge from the service, solved in a Web Worker while the card
 * says "Checking your browser…". Resolves to the members to send ({} when none is asked), or null on failure.
 */
async function proofOfWork(card, sale) {
  if (!(sale.proofOfWork > 0)) return {};
  setPow(card, 'solving', 'Checking your browser…');
  const c = await shopperRequest(`/api/sales/${encodeURIComponent(card.id)}/challenge`);
  syncSession();
  if (!c.ok || !c.data || typeof c.data.challenge !== 'string') {
    setPow(card, 'failed', `Your browser could not be checked: ${c.problem ? c.problem.detail : 'no challenge'}. Try again.`);
    return null;
  }
  const progress = el('span', { class: 'small muted' });
  card.turn.pow.append(' ', progress);
  const answer = await solveProofOfWork(c.data.challenge, Number(c.data.difficulty), {
    onProgress: (tried) => setText(progress, `(${count(tried)} tries)`),
  });
  if (!answer.ok) {
    setPow(card, 'failed', `Your browser could not be checked: ${answer.error}. Try again.`);
    return null;
  }
  setPow(card, 'solved', `Browser checked (${(answer.ms / 1000).toFixed(1)} s).`);
  return { challenge: c.data.challenge, nonce: answer.nonce };
}

/** Joins the room or enters the draw: a proof of work when asked, the call, once more with a fresh challenge when refused. */
async function takeTurn(card, path) {
  // on the card, not the turn: signing in on the way (a shopper may just press the button) starts the turns afresh
  if (card.turnBusy) return null;
  card.turnBusy = true;
  renderTurn(card);
  try {
    const session = await ensureSession();
    if (!session) return { ok: false, status: 401, problem: { code: 'UNAUTHENTICATED', detail: 'Sign in first (top of the page).' } };
    let r = null;
    for (let attempt = 1; attempt <= 2; attempt++) {
      const sale = state.sales.get(card.id);
      const body = await proofOfWork(card, sale);
      if (!body) return null;
      r = await withIdempotentRetries(
        () => shopperRequest(`/api/sales/${encodeURIComponent(card.id)}/${path}`, { method: 'POST', body }),
        { attempts: 4 });
      syncSession();
      if (r.problem && r.problem.code === 'CHALLENGE_FAILED' && attempt === 1) {
        setPow(card, 'solving', 'Checking your browser again…');
        continue;
      }
      break;
    }
    if (r.problem && r.problem.code === 'CHALLENGE_FAILED') setPow(card, 'failed', `Your browser check was refused: ${r.problem.detail}.`);
    return r;
  } finally {
    card.turnBusy = false;
  }
}

function refusal(sale, p, what) {
  switch (p.code) {
    case 'SALE_NOT_ACTIVE':
      return `The ${what} is not open now — ${p.detail}.`;
    case 'INVALID_STATE':
      return `This sale has no ${what}.`;
    case 'CHALLENGE_FAILED':
      return 'Your browser check was refused; try again.';
    case 'RATE_LIMITED': case 'UNAVAILABLE': case 'NETWORK':
      return 'Busy — please try again in a moment.';
    default:
      return `Not done: ${p.detail}`;
  }
}

/** What the shopper's session knows of their turns, e.g. after a reload or a sign-in. */
function loadTurns() {
  for (const card of state.cards.values()) if (card.turn) loadTurn(card);
}

function loadTurn(card) {
  if (card.access === 'WAITING_ROOM') pollRoom(card);
  else if (card.access === 'DRAW') pollEntry(card);
}

// ---- waiting room

function buildRoom(card) {
  const id = card.id;
  const r = { kind: 'room' };
  r.state = el('span', { class: 'badge', 'data-testid': `room-state-${id}` });
  r.admitted = el('strong', { 'data-testid': `room-admitted-${id}` });
  r.waiting = el('strong', { 'data-testid': `room-waiting-${id}` });
  r.rate = el('strong', { 'data-testid': `room-rate-${id}` });
  r.opens = el('div', { class: 'small muted', 'data-testid': `room-opens-${id}` });
  r.place = el('span', { 'data-testid': `room-place-${id}` });
  r.ahead = el('span', { 'data-testid': `room-ahead-${id}` });
  r.wait = el('span', { 'data-testid': `room-wait-${id}` });
  r.mine = el('dl', { class: 'facts turn-facts' },
    el('dt', {}, 'Your place'), el('dd', {}, r.place),
    el('dt', {}, 'Ahead of you'), el('dd', {}, r.ahead),
    el('dt', {}, 'Estimated wait'), el('dd', {}, r.wait));
  r.progress = el('progress', { class: 'room-progress', max: '1', value: '0', 'data-testid': `room-progress-${id}`,
    'aria-label': 'How far the room has come towards your place' });
  r.join = el('button', { type: 'button', class: 'secondary', 'data-testid': `join-${id}`, id: `join-${id}` }, 'Join the waiting room');
  r.join.addEventListener('click', () => joinRoom(card));
  r.pow = el('div', { class: 'message', 'data-testid': `pow-${id}`, 'data-state': 'idle', role: 'status' });
  r.message = el('div', { class: 'message', 'data-testid': `room-message-${id}`, role: 'status', 'aria-live': 'polite' });
  r.root = el('section', { class: 'turn', 'data-testid': `room-${id}`, 'data-state': 'NOT_JOINED', 'aria-label': 'Waiting room' },
    el('div', { class: 'turn-head' }, el('strong', {}, 'Waiting room'), r.state),
    el('div', { class: 'legend' },
      el('span', {}, r.waiting, ' waiting'), el('span', {}, r.admitted, ' let through'), el('span', {}, r.rate, ' per second')),
    r.opens, r.mine, r.progress, el('div', { class: 'row' }, r.join), r.pow, r.message);
  card.turn = r;
}

async function joinRoom(card) {
  const r = await takeTurn(card, 'room');
  if (!r) { renderTurn(card); return; }
  if (r.ok && r.data) {
    acceptRoom(card, r.data);
  } else {
    const sale = state.sales.get(card.id);
    setMessage(card.turn.message, r.status === 429 || r.status === 503 || r.status === 0 ? 'warn' : 'bad',
      refusal(sale, r.problem, 'waiting room'));
  }
  renderTurn(card);
}

/** A join or status answer: the shopper's place, and the room's figures at that moment. */
function acceptRoom(card, room) {
  const turn = turnOf(card.id);
  const before = turn.room;
  turn.room = room;
  turn.loaded = true;
  turn.version++;
  turn.roomBase = { at: now(), admitted: room.admitted, waiting: room.waiting, rate: room.admitPerSecond };
  if (!before || before.state !== room.state || before.place !== room.place) { turn.reachedAt = null; turn.reachedPolls = 0; }
  turn.nextPoll = now() + ROOM_FALLBACK_POLL_MS + jitter(2000);
  if (room.state === 'ADMITTED' && (!before || before.state !== 'ADMITTED') && card.refs.outcome.dataset.outcome === 'admission_required') {
    setOutcome(card, 'pending', 'Your turn — you can buy now.');
  }
}

/** GET /api/sales/{id}/room: the shopper's place (404 when they have not joined). */
async function pollRoom(card) {
  const turn = turnOf(card.id);
  if (turn.polling || !state.session) return;
  turn.polling = true;
  turn.lastPoll = now();
  try {
    const userId = state.session.userId;
    const version = turn.version;
    const r = await shopperRequest(`/api/sales/${encodeURIComponent(card.id)}/room`);
    syncSession();
    // another shopper signed in meanwhile, or a join answered meanwhile (it is newer than this)
    if (!state.session || state.session.userId !== userId || state.turns.get(card.id) !== turn || turn.version !== version) return;
    if (r.ok && r.data) acceptRoom(card, r.data);
    else if (r.status === 404) { turn.room = null; turn.loaded = true; turn.nextPoll = Infinity; }
    else turn.nextPoll = now() + 3000 + jitter(2000);
  } finally {
    turn.polling = false;
    renderTurn(card);
  }
}

/** Asks again when the shopper's place should have been reached, their pass ran out, or once a minute as a fallback. */
function followRoom(card, sale, t) {
  const turn = turnOf(card.id);
  const room = turn.room;
  if (!state.session || !room || turn.polling) return;
  if (room.state === 'WAITING') {
    const starts = ms(room.admissionStartsAt || (sale.waitingRoom || {}).admissionStartsAt);
    // the place is reached (or, randomized, is drawn at the start of admission): ask for the pass now
    const reached = room.place != null ? roomNow(card, sale, t).admitted >= room.place : t >= starts;
    let next = turn.nextPoll;
    if (reached) {
      // the places of a randomized crowd are all drawn at the same second: spread their asking over 2..60 s, as
      // long as the crowd needs at DRAWN_PLACES_PER_SECOND (an admission's time counts from its first answer)
      if (turn.reachedAt == null) {
        const crowd = Number((sale.waitingRoom || {}).waiting || room.waiting || 0);
        const spread = Math.min(60_000, Math.max(2_000, (crowd / DRAWN_PLACES_PER_SECOND) * 1000));
        turn.reachedAt = t + (room.place == null ? jitter(spread) : 0);
      }
      next = Math.min(next, Math.max(turn.reachedAt, turn.lastPoll + (turn.reachedPolls < 10 ? REACHED_POLL_MS : 3000)));
    }
    if (t >= next) {
      if (reached) turn.reachedPolls++;
      pollRoom(card);
    }
  } else if (room.state === 'ADMITTED') {
    if (t >= ms(room.admissionExpiresAt) && t >= turn.lastPoll + 2000) pollRoom(card);
  }
}

function renderRoom(card, sale, t) {
  const r = card.turn;
  const wr = sale.waitingRoom || {};
  const turn = turnOf(card.id);
  const room = turn.room;
  const est = roomNow(card, sale, t);
  setText(r.admitted, count(est.admitted));
  setText(r.waiting, count(est.waiting));
  setText(r.rate, count(est.rate));
  const opensAt = ms(wr.opensAt);
  const ends = ms(sale.endsAt);
  const startsAdmitting = ms((room && room.admissionStartsAt) || wr.admissionStartsAt);
  let roomState = room ? room.state : 'NOT_JOINED';
  if (roomState === 'ADMITTED' && t >= ms(room.admissionExpiresAt)) roomState = 'EXPIRED';
  r.root.dataset.state = roomState;
  r.state.dataset.status = { WAITING: 'QUEUED', ADMITTED: 'PAID', EXPIRED: 'EXPIRED' }[roomState] || '';
  setText(r.state, { NOT_JOINED: 'not joined', WAITING: 'waiting', ADMITTED: 'your turn', EXPIRED: 'turn passed' }[roomState]);

  // the room's opening, and the join button
  let opens = '';
  if (t < opensAt) opens = `The waiting room opens in ${duration(opensAt - t)} (${localTime(wr.opensAt)}).`;
  else if (t >= ends) opens = 'The sale has ended.';
  else if (t < startsAdmitting) {
    opens = `The room lets shoppers through from ${localTime(new Date(startsAdmitting).toISOString())}; ` +
      'everyone who joins before then gets a place drawn at random, so there is no need to rush.';
  } else opens = 'Shoppers are being let through in turn; newcomers join at the back.';
  setText(r.opens, opens);
  r.join.hidden = roomState === 'WAITING' || roomState === 'ADMITTED';
  r.join.disabled = !!card.turnBusy || t < opensAt || t >= ends;
  setText(r.join, roomState === 'EXPIRED' ? 'Join the waiting room again' : 'Join the waiting room');
  if (card.turnBusy) r.join.setAttribute('aria-busy', 'true'); else r.join.removeAttribute('aria-busy');

  // the shopper's own place
  const waiting = roomState === 'WAITING';
  r.mine.hidden = !waiting;
  r.progress.hidden = !waiting;
  if (waiting) {
    if (room.place == null) {
      setText(r.place, 'drawn at random when the room starts letting shoppers through');
      setText(r.ahead, '—');
      setText(r.wait, t < startsAdmitting ? `at least ${duration(startsAdmitting - t)}` : 'a moment: your place is being drawn');
      r.progress.value = 0;
    } else {
      const ahead = Math.max(0, room.place - 1 - est.admitted);
      const waitMs = Math.max(0, startsAdmitting - t) + (est.rate > 0 ? Math.ceil(ahead / est.rate) * 1000 : NaN);
      setText(r.place, count(room.place));
      setText(r.ahead, count(ahead));
      setText(r.wait, est.admitted >= room.place ? 'any moment now' : Number.isNaN(waitMs) ? 'unknown' : `about ${duration(waitMs)}`);
      r.progress.value = Math.max(0, Math.min(1, est.admitted / room.place));
    }
  }

  // what the shopper may do now
  let cls = 'info';
  let text = '';
  if (roomState === 'WAITING') {
    text = room.place == null ? 'You are in the waiting room. Keep this page open: it lets you know when it is your turn.'
      : `You are in the waiting room at place ${count(room.place)}. Keep this page open: the Buy button opens when it is your turn.`;
  } else if (roomState === 'ADMITTED') {
    cls = 'ok';
    text = `It is your turn! Buy before ${new Date(ms(room.admissionExpiresAt)).toLocaleTimeString()} (${duration(ms(room.admissionExpiresAt) - t)} left).`;
  } else if (roomState === 'EXPIRED') {
    cls = 'warn';
    text = 'Your turn passed before you bought. Join again to queue at the back of the room.';
  }
  // the time left changes every second: only the change of state is announced
  const kind = `${roomState}|${room && room.place}`;
  r.message.setAttribute('aria-live', turn.announced === kind ? 'off' : 'polite');
  turn.announced = kind;
  if (text || roomState !== 'NOT_JOINED') setMessage(r.message, cls, text);
  syncBuyButton(card);
}

/** A waiting-room sale's Buy button opens with the shopper's turn. */
function syncBuyButton(card) {
  if (card.access !== 'WAITING_ROOM' || card.busy) return;
  const room = turnOf(card.id).room;
  const admitted = !!room && room.state === 'ADMITTED' && !!room.admissionToken && now() < ms(room.admissionExpiresAt);
  card.refs.buy.disabled = !admitted;
  card.refs.buy.title = admitted ? '' : 'Buying opens when the waiting room lets you through';
  setText(card.refs.buy, admitted ? 'Buy now' : 'Buy');
}

// ---- draw

function buildDraw(card) {
  const id = card.id;
  const r = { kind: 'draw' };
  r.state = el('span', { class: 'badge', 'data-testid': `draw-state-${id}` });
  r.entries = el('strong', { 'data-testid': `draw-entries-${id}` });
  r.window = el('div', { class: 'small muted', 'data-testid': `draw-window-${id}` });
  r.seedHash = el('code', { class: 'hash', 'data-testid': `draw-seed-hash-${id}` });
  r.entriesHash = el('code', { class: 'hash', 'data-testid': `draw-entries-hash-${id}` });
  r.seed = el('code', { class: 'hash', 'data-testid': `draw-seed-${id}` });
  r.entriesHashRow = [el('dt', {}, 'Entries hash'), el('dd', {}, r.entriesHash)];
  r.seedRow = [el('dt', {}, 'Seed'), el('dd', {}, r.seed)];
  const facts = el('dl', { class: 'facts turn-facts' },
    el('dt', { title: 'SHA-256 of the secret seed, published before anyone could enter' }, 'Seed hash'), el('dd', {}, r.seedHash),
    r.entriesHashRow, r.seedRow);
  r.enter = el('button', { type: 'button', class: 'secondary', 'data-testid': `enter-${id}`, id: `enter-${id}` }, 'Enter the draw');
  r.enter.addEventListener('click', () => enterDraw(card));
  r.pow = el('div', { class: 'message', 'data-testid': `pow-${id}`, 'data-state': 'idle', role: 'status' });
  r.rank = el('span', { 'data-testid': `entry-rank-${id}` });
  r.entryText = el('span');
  r.orderLink = el('a', { 'data-testid': `entry-order-${id}`, href: '#orders' }, 'See the order and pay');
  r.entry = el('div', { class: 'message', 'data-testid': `entry-${id}`, 'data-state': 'NONE', role: 'status', 'aria-live': 'polite' },
    r.entryText, ' ', r.orderLink);
  r.verify = el('a', { 'data-testid': `verify-link-${id}`, href: `/draw/verify?sale=${encodeURIComponent(id)}` }, 'Check this draw yourself');
  r.root = el('section', { class: 'turn', 'data-testid': `draw-${id}`, 'aria-label': 'Draw' },
    el('div', { class: 'turn-head' }, el('strong', {}, 'Draw'), r.state),
    el('div', { class: 'legend' }, el('span', {}, r.entries, ' entered')),
    r.window, facts, el('div', { class: 'row' }, r.enter, r.verify), r.pow, r.entry);
  card.turn = r;
}

async function enterDraw(card) {
  const r = await takeTurn(card, 'entries');
  if (!r) { renderTurn(card); return; }
  const turn = turnOf(card.id);
  if (r.ok && r.data) {
    turn.entry = r.data;
    turn.loaded = true;
    turn.version++;
    turn.entryProblem = '';
    if (r.data.state === 'WON') loadOrders();
  } else {
    const sale = state.sales.get(card.id);
    turn.entryProblem = refusal(sale, r.problem, 'draw');
  }
  renderTurn(card);
}

/** GET /api/sales/{id}/entries/me (404 without an entry). */
async function pollEntry(card) {
  const turn = turnOf(card.id);
  if (turn.polling || !state.session) return;
  turn.polling = true;
  turn.lastPoll = now();
  try {
    const userId = state.session.userId;
    const version = turn.version;
    const r = await shopperRequest(`/api/sales/${encodeURIComponent(card.id)}/entries/me`);
    syncSession();
    if (!state.session || state.session.userId !== userId || state.turns.get(card.id) !== turn || turn.version !== version) return;
    if (r.ok && r.data) {
      const won = r.data.state === 'WON' && (!turn.entry || turn.entry.state !== 'WON');
      turn.entry = r.data;
      turn.loaded = true;
      if (r.data.state !== 'ENTERED') turn.nextPoll = now() + WAITING_LIST_POLL_MS + jitter(3000);
      if (won) loadOrders();
    } else if (r.status === 404) { turn.entry = null; turn.loaded = true; }
  } finally {
    turn.polling = false;
    renderTurn(card);
  }
}

/** Asks for the result once the draw is due, and now and then while on the waiting list. */
function followDraw(card, sale, t) {
  const turn = turnOf(card.id);
  const entry = turn.entry;
  if (!state.session || !entry || turn.polling) return;
  const drawn = (sale.draw && sale.draw.state === 'DRAWN') || t >= ms(sale.startsAt) + 500;
  if (entry.state === 'ENTERED' && drawn && t >= turn.nextPoll) {
    turn.entryPolls++;
    turn.nextPoll = t + (turn.entryPolls < 20 ? ENTRY_POLL_MS : 5000) + jitter(500);
    pollEntry(card);
  } else if (entry.state === 'WAITING_LIST' && sale.state !== 'ENDED' && t >= turn.nextPoll) {
    turn.nextPoll = t + WAITING_LIST_POLL_MS + jitter(3000);
    pollEntry(card);
  }
}

/** An order pushed for a draw's sale may be a unit that came back to this shopper on the waiting list. */
function orderOfADraw(order) {
  const card = order && state.cards.get(order.saleId);
  if (card && card.access === 'DRAW') {
    const entry = turnOf(card.id).entry;
    if (!entry || entry.state !== 'WON' || entry.orderId !== order.id) pollEntry(card);
  }
}

function renderDraw(card, sale, t) {
  const r = card.turn;
  const d = sale.draw || {};
  const turn = turnOf(card.id);
  const entry = turn.entry;
  const opensAt = ms(d.entriesOpenAt);
  const closesAt = ms(d.entriesCloseAt || sale.startsAt);
  const drawn = d.state === 'DRAWN';
  r.root.dataset.state = d.state || '';
  r.state.dataset.state = { SCHEDULED: 'SCHEDULED', ENTRIES_OPEN: 'ACTIVE', CLOSED: 'SCHEDULED', DRAWN: 'ENDED' }[d.state] || '';
  setText(r.state, { SCHEDULED: 'entries not open', ENTRIES_OPEN: 'entries open', CLOSED: 'drawing', DRAWN: 'drawn' }[d.state] || d.state || '');
  setText(r.entries, count(d.entries));
  let windowText;
  if (t < opensAt) windowText = `Entries open in ${duration(opensAt - t)} (${localTime(d.entriesOpenAt)}).`;
  else if (t < closesAt) windowText = `Entries close in ${duration(closesAt - t)}; the draw is made then, and ${count((sale.stock || {}).total)} entrants win.`;
  else if (!drawn) windowText = 'Entries are closed; the draw is being made…';
  else windowText = `Drawn at ${localTime(d.drawnAt || d.entriesCloseAt || sale.startsAt)}: anyone can recompute it from the seed and the list of entries.`;
  setText(r.window, windowText);
  setText(r.seedHash, d.seedHash || '—');
  r.seedHash.title = d.seedHash || '';
  setText(r.entriesHash, d.entriesHash || '');
  setText(r.seed, d.seed || '');
  for (const n of r.entriesHashRow) n.hidden = !d.entriesHash;
  for (const n of r.seedRow) n.hidden = !d.seed;
  setText(r.verify, drawn ? 'Verify this draw' : 'How this draw is checked');

  r.enter.hidden = !!entry;
  r.enter.disabled = !!card.turnBusy || t < opensAt || t >= closesAt;
  if (card.turnBusy) r.enter.setAttribute('aria-busy', 'true'); else r.enter.removeAttribute('aria-busy');

  const stateName = entry ? entry.state : 'NONE';
  r.entry.dataset.state = stateName;
  r.orderLink.hidden = !(entry && entry.state === 'WON' && entry.orderId);
  if (entry && entry.orderId) {
    r.orderLink.href = `#order-${entry.orderId}`;
    r.orderLink.dataset.orderId = entry.orderId;
  }
  setText(r.rank, entry && entry.rank != null ? String(entry.rank) : '');
  let cls = 'info';
  const parts = [];
  if (!entry) {
    if (turn.entryProblem) { cls = 'bad'; parts.push(turn.entryProblem); }
  } else if (entry.state === 'ENTERED') {
    parts.push(t < closesAt
      ? `You are in the draw (entered ${new Date(ms(entry.enteredAt)).toLocaleTimeString()}). The draw is made in ${duration(closesAt - t)}; keep this page open for the result.`
      : 'You are in the draw; it is being made — your result appears here in a moment.');
  } else if (entry.state === 'WON') {
    cls = 'ok';
    const order = entry.orderId ? state.orders.get(entry.orderId) : null;
    parts.push(`You won! Order ${short(entry.orderId)} is reserved for you` +
      (order && order.expiresAt ? ` — pay by ${localTime(order.expiresAt)}.` : '.'));
  } else if (entry.state === 'WAITING_LIST') {
    cls = 'warn';
    parts.push(`Not this time — yet: you are number `, r.rank, ` in the draw order, on the waiting list. ` +
      'If a winner’s unit comes back, it goes to the next in line and this page tells you.');
  } else if (entry.state === 'NOT_WON') {
    cls = 'bad';
    parts.push('Not drawn this time', ...(entry.rank != null ? [' (number ', r.rank, ' in the draw order).'] : ['.']));
  }
  const sig = `${stateName}|${entry && entry.rank}|${entry && entry.orderId}|${parts.filter((p) => typeof p === 'string').join('')}`;
  if (r.entry.dataset.sig !== sig) {
    r.entry.dataset.sig = sig;
    r.entryText.replaceChildren(...parts);
    r.entry.className = `message ${cls}`;
    r.entry.hidden = parts.length === 0;
  }
}

// ---- both

function renderTurn(card) {
  if (!card.turn) return;
  const sale = state.sales.get(card.id);
  if (!sale) return;
  const t = now();
  if (card.turn.kind === 'room') renderRoom(card, sale, t);
  else renderDraw(card, sale, t);
}

function followTurn(card) {
  const sale = state.sales.get(card.id);
  if (!sale) return;
  if (card.access === 'WAITING_ROOM') followRoom(card, sale, now());
  else if (card.access === 'DRAW') followDraw(card, sale, now());
}

// ---------------------------------------------------------------- orders

let meStream = null;
let ordersPoll = null;

function restartMeStream() {
  if (meStream) meStream.close();
  stopOrdersPolling();
  meStream = openEventStream('/api/me/stream', {
    token: () => state.session && state.session.token,
    onOpen: () => { stopOrdersPolling(); loadOrders(); },
    onEvent(type, data) {
      if (type !== 'order') return;
      let order;
      try { order = JSON.parse(data); } catch { return; /* not JSON: ignore */ }
      upsertOrder(order);
      orderOfADraw(order);
    },
    async onHttpError(status) {
      if (status === 401 && state.session) {
        const again = await signIn(state.session.userId);
        if (again.ok) state.session = again.session;
      }
      return !!state.session;
    },
    onStatus(s, info) {
      if (s === 'retrying' && info.failures >= 3) startOrdersPolling();
    },
  });
}

function startOrdersPolling() {
  if (ordersPoll) return;
  ordersPoll = setInterval(() => {
    if ([...state.orders.values()].some((o) => !FINAL.has(o.status))) loadOrders();
  }, 3000);
}

function stopOrdersPolling() {
  if (ordersPoll) { clearInterval(ordersPoll); ordersPoll = null; }
}

async function loadOrders() {
  if (!state.session) return;
  const r = await shopperRequest('/api/me/orders');
  syncSession();
  if (r.ok && r.data && Array.isArray(r.data.items)) {
    for (const o of r.data.items) upsertOrder(o);
  }
}

/** Put an order in the list, unless the one there is newer (more history entries). */
function upsertOrder(order) {
  if (!order) return;
  const id = order.id || order.orderId;
  if (!id) return;
  if (!order.id) order.id = id;
  const have = state.orders.get(id);
  const len = (o) => (o && Array.isArray(o.history) ? o.history.length : 0);
  if (have && len(have) > len(order) && !(FINAL.has(order.status) && !FINAL.has(have.status))) return;
  state.orders.set(id, order);
  renderOrders();
}

function saleName(order) {
  const s = state.sales.get(order.saleId);
  return s ? s.name : `sale ${String(order.saleId || '').slice(0, 8)}`;
}

function refreshOrderSaleName(order) {
  const n = document.querySelector(`[data-order-name="${CSS.escape(order.id)}"]`);
  if (n) n.textContent = `${saleName(order)} × ${order.quantity}`;
}

const orderNodes = new Map(); // id -> {root, refs, key}; nodes stay in place, only their content changes

function renderOrders() {
  const list = $('orders');
  const ordered = [...state.orders.values()].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  for (const [id, node] of orderNodes) {
    if (!state.orders.has(id)) { node.root.remove(); orderNodes.delete(id); }
  }
  let prev = null;
  for (const o of ordered) {
    let node = orderNodes.get(o.id);
    if (!node) { node = buildOrder(o); orderNodes.set(o.id, node); }
    const key = `${o.status}|${o.expiresAt}|${(o.history || []).length}`;
    if (node.key !== key) { updateOrder(node, o); node.key = key; }
    const want = prev ? prev.nextElementSibling : list.firstElementChild;
    if (want !== node.root) { if (prev) prev.after(node.root); else list.prepend(node.root); }
    prev = node.root;
  }
  $('orders-empty').hidden = state.orders.size > 0;
  $('orders-empty').textContent = state.session ? 'No orders yet.' : 'Sign in and buy something: your orders appear here.';
}

function buildOrder(o) {
  const id = o.id;
  const refs = {};
  refs.status = el('span', { class: 'badge', 'data-testid': `order-status-${id}` });
  refs.amount = el('span', { class: 'muted' });
  const head = el('div', { class: 'order-line' },
    el('span', { class: 'grow' }, el('strong', { 'data-order-name': id }, `${saleName(o)} × ${o.quantity}`), ' ', refs.amount),
    refs.status);
  const details = el('div', { class: 'small muted' }, `Order ${id.slice(0, 8)} · ${localTime(o.createdAt)}`);
  refs.extra = el('div');
  refs.message = el('div', { class: 'message', 'data-testid': `order-message-${id}`, role: 'status' });
  const root = el('li', { 'data-testid': `order-${id}`, id: `order-${id}`, tabindex: '-1' }, head, details, refs.extra, refs.message);
  return { root, refs, key: null };
}

function updateOrder(node, o) {
  const { root, refs } = node;
  const id = o.id;
  root.dataset.status = o.status;
  refs.status.textContent = o.status;
  refs.status.dataset.status = o.status;
  refs.amount.textContent = money(o.amountCents);
  refs.expires = null;
  const hadFocus = refs.extra.contains(document.activeElement) ? document.activeElement.dataset.testid : null;
  const parts = [];
  if (o.status === 'QUEUED') {
    parts.push(el('div', { class: 'small' }, 'In the queue… your order is being confirmed.'));
  } else if (o.status === 'PENDING_PAYMENT') {
    refs.expires = el('span', { 'data-testid': `expires-${id}`, 'data-expires-at': o.expiresAt, class: 'countdown', title: localTime(o.expiresAt) });
    const pay = el('a', { class: 'button', href: `/demo/pay?order=${encodeURIComponent(id)}`, 'data-testid': `pay-${id}` }, 'Pay');
    const cancel = el('button', { type: 'button', class: 'danger', 'data-testid': `cancel-${id}` }, 'Cancel');
    cancel.addEventListener('click', () => cancelOrder(id, cancel, refs.message));
    parts.push(
      el('div', { class: 'small' }, `Pay by ${localTime(o.expiresAt)} — `, refs.expires),
      el('div', { class: 'row', style: 'margin-top:.4rem' }, pay, cancel));
  } else if (o.status === 'REJECTED') {
    const why = { SOLD_OUT: 'the sale sold out', LIMIT_EXCEEDED: 'your per-shopper limit was reached', SALE_NOT_ACTIVE: 'the sale was not running' }[o.refusal];
    parts.push(el('div', { class: 'small' }, `Not confirmed: ${why || o.refusal || 'refused'}.`));
  } else if (o.status === 'PAID') {
    parts.push(el('div', { class: 'small' }, 'Paid — thank you! It ships soon.'));
  } else if (o.status === 'FULFILLED') {
    parts.push(el('div', { class: 'small' }, 'Paid and on its way.'));
  } else if (o.status === 'REFUNDED') {
    parts.push(el('div', { class: 'small muted' }, 'Refunded; the units went back on sale.'));
  } else if (o.status === 'EXPIRED') {
    parts.push(el('div', { class: 'small muted' }, 'The payment time ran out; the units went back on sale.'));
  } else if (o.status === 'CANCELLED') {
    parts.push(el('div', { class: 'small muted' }, 'Cancelled; the units went back on sale.'));
  }
  refs.extra.replaceChildren(...parts);
  if (o.status !== 'PENDING_PAYMENT') refs.message.textContent = '';
  updateExpiry(refs.expires);
  if (hadFocus) {
    const f = root.querySelector(`[data-testid="${hadFocus}"]`);
    (f || root).focus();
  }
}

function updateExpiry(node) {
  if (!node) return;
  const left = Date.parse(node.dataset.expiresAt) - now();
  const text = left > 0 ? `${duration(left)} left` : 'payment time is up';
  if (node.textContent !== text) node.textContent = text;
}

async function cancelOrder(id, button, message) {
  button.disabled = true;
  message.className = 'message info';
  message.textContent = 'Cancelling…';
  const r = await shopperRequest(`/api/orders/${encodeURIComponent(id)}/cancel`, { method: 'POST' });
  syncSession();
  if (r.ok && r.data) {
    message.textContent = '';
    upsertOrder(r.data);
    loadCoupons();
    return;
  }
  button.disabled = false;
  message.className = 'message bad';
  message.textContent = r.problem.code === 'INVALID_STATE' ? `Cannot cancel: ${r.problem.detail}.` : `Cancel failed: ${r.problem.detail}`;
  if (r.problem.code === 'INVALID_STATE') loadOrders();
}

// ---------------------------------------------------------------- coupons

async function loadCampaigns() {
  const r = await request('/api/coupon-campaigns', { token: state.session && state.session.token });
  if (r.ok && r.data && Array.isArray(r.data.items)) state.campaigns = r.data.items;
  else if (r.status === 404 || r.status === 401) state.campaigns = [];
  else return; // keep what is shown on a transient failure
  renderCampaigns();
}

const campaignNodes = new Map();

function renderCampaigns() {
  const list = $('campaigns');
  const ids = new Set(state.campaigns.map((c) => c.id));
  for (const [id, n] of campaignNodes) if (!ids.has(id)) { n.root.remove(); campaignNodes.delete(id); }
  let prev = null;
  for (const c of state.campaigns) {
    let n = campaignNodes.get(c.id);
    if (!n) {
      n = buildCampaign(c);
      campaignNodes.set(c.id, n);
    }
    n.name.textContent = c.name;
    n.discount.textContent = `${money(c.discountCents)} off`;
    n.remaining.textContent = `${c.remaining} of ${c.quantity} left`;
    n.window.textContent = windowText(c);
    const want = prev ? prev.nextElementSibling : list.firstElementChild;
    if (want !== n.root) { if (prev) prev.after(n.root); else list.prepend(n.root); }
    prev = n.root;
  }
  $('campaigns-empty').hidden = state.campaigns.length > 0;
}

function windowText(c) {
  const t = now();
  if (Date.parse(c.startsAt) > t) return `starts ${localTime(c.startsAt)}`;
  if (Date.parse(c.endsAt) <= t) return `ended ${localTime(c.endsAt)}`;
  return `until ${localTime(c.endsAt)} · ${c.perUserLimit} per shopper`;
}

function buildCampaign(c) {
  const id = c.id;
  const n = {};
  n.name = el('strong');
  n.discount = el('span', { class: 'badge', 'data-state': 'ACTIVE' });
  n.remaining = el('span', { 'data-testid': `campaign-remaining-${id}` });
  n.window = el('span');
  n.outcome = el('div', { class: 'message', 'data-testid': `claim-outcome-${id}`, role: 'status', 'aria-live': 'polite' });
  n.claim = el('button', { type: 'button', class: 'secondary', 'data-testid': `claim-${id}` }, 'Claim');
  n.claim.addEventListener('click', () => claim(c.id, n));
  n.root = el('li', { 'data-testid': `campaign-${id}`, id: `campaign-${id}` },
    el('div', { class: 'order-line' }, el('span', { class: 'grow' }, n.name, ' ', n.discount), n.claim),
    el('div', { class: 'small muted' }, n.remaining, ' · ', n.window),
    n.outcome);
  return n;
}

async function claim(campaignId, n) {
  if (n.claim.disabled) return;
  n.claim.disabled = true;
  n.outcome.className = 'message info';
  n.outcome.textContent = 'Claiming…';
  try {
    const session = await ensureSession();
    if (!session) { n.outcome.className = 'message bad'; n.outcome.textContent = 'Sign in first.'; return; }
    const r = await withIdempotentRetries(
      (key) => shopperRequest(`/api/coupon-campaigns/${encodeURIComponent(campaignId)}/claims`, { method: 'POST', idempotencyKey: key }),
      { attempts: 4, onRetry: () => { n.outcome.className = 'message warn'; n.outcome.textContent = 'Busy, retrying…'; } });
    syncSession();
    let cls = 'bad';
    let text;
    if (r.ok) {
      cls = 'ok';
      text = `Claimed! Your code: ${r.data && r.data.code}`;
      n.outcome.dataset.outcome = 'claimed';
    } else {
      const p = r.problem;
      n.outcome.dataset.outcome = (p.code || 'error').toLowerCase();
      text = {
        SOLD_OUT: 'All coupons of this campaign are claimed.',
        LIMIT_EXCEEDED: `Limit reached — ${p.detail}.`,
        SALE_NOT_ACTIVE: `Not running — ${p.detail}.`,
        RATE_LIMITED: 'Busy — please try again in a moment.',
        UNAVAILABLE: 'Busy — please try again in a moment.',
        NETWORK: 'Busy — the shop could not be reached.',
      }[p.code] || `Not claimed: ${p.detail}`;
      if (p.code === 'RATE_LIMITED' || p.code === 'UNAVAILABLE' || p.code === 'NETWORK') cls = 'warn';
    }
    n.outcome.className = `message ${cls}`;
    n.outcome.textContent = text;
    loadCoupons();
    loadCampaigns();
  } finally {
    n.claim.disabled = false;
  }
}

async function loadCoupons() {
  if (!state.session) { state.coupons = []; renderCoupons(); return; }
  const r = await shopperRequest('/api/me/coupons');
  syncSession();
  if (r.ok && r.data && Array.isArray(r.data.items)) {
    state.coupons = r.data.items;
    renderCoupons();
  }
}

const couponNodes = new Map(); // couponId -> {root, status, used}

function renderCoupons() {
  const list = $('my-coupons');
  const ids = new Set(state.coupons.map((c) => c.couponId));
  for (const [id, n] of couponNodes) if (!ids.has(id)) { n.root.remove(); couponNodes.delete(id); }
  let prev = null;
  for (const c of state.coupons) {
    let n = couponNodes.get(c.couponId);
    if (!n) {
      n = { status: el('span', { class: 'badge' }), used: el('div', { class: 'small muted' }) };
      n.root = el('li', { 'data-testid': `my-coupon-${c.couponId}`, 'data-code': c.code },
        el('div', { class: 'order-line' },
          el('span', { class: 'grow' }, el('code', { 'data-testid': `my-coupon-code-${c.couponId}` }, c.code), ' ',
            el('span', { class: 'muted' }, `${money(c.discountCents)} off`)),
          n.status),
        n.used);
      couponNodes.set(c.couponId, n);
    }
    n.root.dataset.status = c.status;
    n.status.textContent = c.status === 'CLAIMED' ? 'unused' : 'used';
    n.status.dataset.status = c.status === 'CLAIMED' ? 'PAID' : 'CANCELLED';
    n.used.textContent = c.orderId && c.status !== 'CLAIMED' ? `used on order ${String(c.orderId).slice(0, 8)}` : '';
    const want = prev ? prev.nextElementSibling : list.firstElementChild;
    if (want !== n.root) { if (prev) prev.after(n.root); else list.prepend(n.root); }
    prev = n.root;
  }
  $('my-coupons-empty').hidden = state.coupons.length > 0;
  for (const card of state.cards.values()) fillCouponSelect(card);
}

function fillCouponSelect(card) {
  const select = card.refs.coupon;
  const current = select.value;
  const sale = state.sales.get(card.id);
  // the service takes no coupon on a sale with QUEUED intake (its gate answers before the order is written)
  const queued = !!sale && sale.intake === 'QUEUED';
  const usable = queued ? [] : state.coupons.filter((c) => c.status === 'CLAIMED');
  const options = [el('option', { value: '' }, queued ? 'Not for this sale' : usable.length ? 'No coupon' : 'No coupons')];
  for (const c of usable) options.push(el('option', { value: c.code }, `${c.code} (−${money(c.discountCents)})`));
  const sig = (queued ? 'Q:' : '') + usable.map((c) => c.code).join(',');
  if (select.dataset.sig === sig) return;
  select.dataset.sig = sig;
  select.replaceChildren(...options);
  if (usable.some((c) => c.code === current)) select.value = current;
  select.disabled = usable.length === 0;
}

// ---------------------------------------------------------------- start

function tick() {
  for (const card of state.cards.values()) {
    const sale = state.sales.get(card.id);
    if (sale) updateCountdown(card, sale);
    if (sale && card.turn) renderTurn(card);
  }
  for (const node of orderNodes.values()) updateExpiry(node.refs.expires);
}

function start() {
  renderSession();
  renderOrders();
  renderCoupons();
  $('sign-in-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const name = $('user-id').value.trim();
    if (!/^[A-Za-z0-9_.@:-]{1,64}$/.test(name)) {
      showSignInError('Choose a name of 1 to 64 letters, digits or _ . @ : -');
      $('user-id').focus();
      return;
    }
    doSignIn(name);
  });
  $('sign-out').addEventListener('click', signOut);
  $('orders-refresh').addEventListener('click', () => { loadOrders(); loadCoupons(); loadCampaigns(); });

  startSalesFeed();
  initialSales();
  loadCampaigns();
  setInterval(loadCampaigns, 10_000);
  setInterval(tick, 1000);
  // a shopper in a waiting room asks for their pass within a quarter second of their place being reached
  setInterval(() => { for (const card of state.cards.values()) if (card.turn) followTurn(card); }, 250);
  if (state.session) {
    restartMeStream();
    loadOrders();
    loadCoupons();
  }
}

window.addEventListener('unhandledrejection', (e) => { console.warn('unhandled', e.reason); e.preventDefault(); });
start();
