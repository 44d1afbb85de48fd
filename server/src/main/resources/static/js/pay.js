// Demo payment page: shows the order and simulates the provider's answer via POST /api/demo/payments.
import { shopperRequest, loadSession, request, money, localTime, duration } from './api.js';

const $ = (id) => document.getElementById(id);
const orderId = new URLSearchParams(location.search).get('order') || '';
let order = null;
let busy = false;

function showError(text) { $('pay-error').textContent = text || ''; }

function render(o, afterPayment = false) {
  order = o;
  $('pay-details').hidden = false;
  $('pay-amount').textContent = money(o.amountCents);
  $('pay-order-id').textContent = o.id;
  $('pay-order-status').textContent = o.status;
  $('pay-order-status').dataset.status = o.status;
  $('pay-expires').textContent = o.status === 'PENDING_PAYMENT' || o.status === 'QUEUED' ? localTime(o.expiresAt) : '—';
  const payable = o.status === 'PENDING_PAYMENT' || o.status === 'QUEUED';
  $('pay-note').textContent = payable || afterPayment ? ''
    : `This order is ${o.status}. A payment now is not accepted; a successful one is recorded for refund.`;
  itemName(o);
}

async function itemName(o) {
  $('pay-item').textContent = `${o.quantity} × sale ${String(o.saleId).slice(0, 8)}`;
  const r = await request(`/api/sales/${encodeURIComponent(o.saleId)}`);
  if (r.ok && r.data && r.data.name) $('pay-item').textContent = `${o.quantity} × ${r.data.name}`;
}

async function load() {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(orderId)) {
    showError('No order given: open this page from the Pay link of an order.');
    return;
  }
  if (!loadSession()) {
    showError('You are not signed in: sign in on the storefront first, then use the Pay link of your order.');
    return;
  }
  const r = await shopperRequest(`/api/orders/${encodeURIComponent(orderId)}`);
  if (r.ok && r.data) { render(r.data); return; }
  if (r.status === 404) showError('Order not found (it may belong to another shopper).');
  else if (r.status === 401) showError('Your session ended: sign in on the storefront again.');
  else showError(`The order could not be loaded: ${r.problem.detail}`);
}

async function pay(outcome) {
  if (busy || !order) return;
  busy = true;
  $('pay-succeed').disabled = true;
  $('pay-fail').disabled = true;
  const result = $('pay-result');
  result.className = 'message info';
  result.textContent = outcome === 'SUCCEEDED' ? 'Paying…' : 'Declining…';
  delete result.dataset.status;
  delete result.dataset.error;
  let done = false;
  try {
    const r = await shopperRequest('/api/demo/payments', { method: 'POST', body: { orderId: order.id, outcome } });
    if (r.ok && r.data) {
      render(r.data, true);
      result.dataset.status = r.data.status;
      if (outcome === 'SUCCEEDED') {
        result.className = r.data.status === 'PAID' || r.data.status === 'FULFILLED' ? 'message ok' : 'message warn';
        result.textContent = `Payment accepted — the order is ${r.data.status}.`;
        done = r.data.status === 'PAID' || r.data.status === 'FULFILLED';
      } else {
        result.className = 'message warn';
        result.textContent = `Payment declined — the order is ${r.data.status}.`;
      }
      return;
    }
    const p = r.problem;
    result.dataset.error = p.code;
    result.className = 'message bad';
    if (p.code === 'INVALID_STATE') {
      result.textContent = /refund/i.test(p.detail)
        ? `Payment not accepted: ${p.detail}.`
        : `Payment not accepted: ${p.detail}. The payment is recorded for refund.`;
      const again = await shopperRequest(`/api/orders/${encodeURIComponent(order.id)}`);
      if (again.ok && again.data) { render(again.data, true); result.dataset.status = again.data.status; }
    } else if (p.status === 404) {
      result.textContent = p.detail === 'order not found' ? 'Order not found.' : 'Demo payments are switched off on this server.';
    } else {
      result.textContent = `Payment failed: ${p.detail}`;
    }
  } finally {
    busy = false;
    $('pay-succeed').disabled = done;
    $('pay-fail').disabled = done;
  }
}

$('pay-succeed').addEventListener('click', () => pay('SUCCEEDED'));
$('pay-fail').addEventListener('click', () => pay('FAILED'));
setInterval(() => {
  if (order && (order.status === 'PENDING_PAYMENT') && order.expiresAt) {
    const left = Date.parse(order.expiresAt) - Date.now();
    $('pay-expires').textContent = `${localTime(order.expiresAt)} (${left > 0 ? duration(left) + ' left' : 'time is up'})`;
  }
}, 1000);
load();
