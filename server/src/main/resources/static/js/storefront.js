// Storefront: live sales (SSE with polling fallback), buying with one Idempotency-Key per intended purchase,
// my orders (pushed by /api/me/stream), coupon campaigns and my coupons.
import {
  request, shopperRequest, withIdempotentRetries, loadSession, saveSession, signIn,
  money, localTime, duration, el,
} from './api.js';
import { openEventStream } from './sse.js';

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
  }
  restartMeStream();
  loadOrders();
  loadCoupons();
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
      applySales(Array.isArray(msg.items) ? msg.items : []);
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

function applySales(items) {
  const container = $('sales');
  const seen = new Set();
  for (const sale of items) {
    if (!sale || typeof sale.id !== 'string') continue;
    seen.add(sale.id);
    state.sales.set(sale.id, sale);
    let card = state.cards.get(sale.id);
    if (!card) {
      card = createCard(sale);
      state.cards.set(sale.id, card);
    }
    updateCard(card, sale);
  }
  for (const [id, card] of state.cards) {
    if (!seen.has(id)) { card.root.remove(); state.cards.delete(id); state.sales.delete(id); }
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
  const root = el('article', { class: 'card sale', 'data-testid': `sale-${id}`, id: `sale-${id}`, 'aria-labelledby': `sale-name-${id}` },
    el('div', { class: 'sale-head' }, refs.name, refs.badge),
    refs.price, refs.meta, refs.countdown, refs.bar, legend, form, refs.outcome);
  const card = { id, root, refs, busy: false };
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
  refs.meta.textContent = `${sale.sku} · limit ${sale.perUserLimit} per shopper`;
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
}

function updateCountdown(card, sale) {
  const t = now();
  const starts = Date.parse(sale.startsAt);
  const ends = Date.parse(sale.endsAt);
  let text = '';
  let title = '';
  if (sale.state === 'SCHEDULED') {
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
  const cls = { bought: 'ok', queued: 'info', pending: 'info', retrying: 'warn', busy: 'warn' }[kind] || 'bad';
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
      (key) => shopperRequest(`/api/sales/${encodeURIComponent(card.id)}/purchases`, { method: 'POST', body, idempotencyKey: key }),
      { attempts: 4, onRetry: (_res, attempt) => setOutcome(card, 'retrying', `Busy, retrying… (try ${attempt + 1} of 4)`) });
    syncSession();
    showPurchaseOutcome(card, sale, r);
    if (r.ok && r.data) upsertOrder(r.data);
    if (couponCode) loadCoupons();
  } finally {
    card.busy = false;
    card.refs.buy.disabled = false;
    card.refs.buy.removeAttribute('aria-busy');
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
      try { upsertOrder(JSON.parse(data)); } catch { /* not JSON: ignore */ }
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
  if (state.session) {
    restartMeStream();
    loadOrders();
    loadCoupons();
  }
}

window.addEventListener('unhandledrejection', (e) => { console.warn('unhandled', e.reason); e.preventDefault(); });
start();
