// Stampede browser API helper: JSON in and out, problem details turned into {status, code, detail},
// Idempotency-Key handling and retries of purchases/claims with the same key.
// Nothing here throws for an HTTP or network failure: every call resolves to a result object,
// so callers never leave an unhandled promise rejection behind.

/** A fresh Idempotency-Key: 32 hex characters, within [A-Za-z0-9_-]{1,64}. Works outside secure contexts too. */
export function newIdempotencyKey() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One HTTP call.
 * @returns {Promise<{ok:boolean,status:number,data:any,problem:{status:number,code:string,detail:string}|null,
 *                    retryAfter:number|null,headers:Headers|null}>}
 * status 0 means the network failed (code NETWORK) or the call was aborted (code ABORTED).
 */
export async function request(path, { method = 'GET', body, token, idempotencyKey, signal, headers = {} } = {}) {
  const h = { Accept: 'application/json, application/problem+json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  if (token) h.Authorization = 'Bearer ' + token;
  if (idempotencyKey) h['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (e) {
    const aborted = e && e.name === 'AbortError';
    return {
      ok: false, status: 0, data: null, retryAfter: null, headers: null,
      problem: { status: 0, code: aborted ? 'ABORTED' : 'NETWORK',
                 detail: aborted ? 'the request was cancelled' : 'the service could not be reached' },
    };
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  const ra = parseRetryAfter(res.headers.get('Retry-After'));
  if (res.ok) return { ok: true, status: res.status, data, problem: null, retryAfter: ra, headers: res.headers };
  const p = data && typeof data === 'object' ? data : {};
  return {
    ok: false, status: res.status, data, retryAfter: ra, headers: res.headers,
    problem: {
      status: res.status,
      code: typeof p.code === 'string' ? p.code : fallbackCode(res.status),
      detail: typeof p.detail === 'string' && p.detail ? p.detail
        : (typeof p.title === 'string' ? p.title : (res.statusText || 'HTTP ' + res.status)),
    },
  };
}

function fallbackCode(status) {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UNAVAILABLE';
  if (status >= 400 && status < 500) return 'VALIDATION';
  return 'INTERNAL';
}

/** Retry-After in seconds (delta-seconds or an HTTP date), or null. */
export function parseRetryAfter(value) {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : Math.max(0, Math.round((t - Date.now()) / 1000));
}

/** True for answers worth retrying with the same Idempotency-Key. */
export function isRetryable(result) {
  return result.status === 0 ? result.problem.code === 'NETWORK' : result.status === 429 || result.status === 503;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A state-changing call that must happen at most once: one Idempotency-Key for the whole attempt, the same key
 * on every retry (network error, 429, 503), honouring Retry-After plus random jitter.
 * @param {(key:string)=>Promise<object>} call    performs one try with the key
 * @param {{attempts?:number, onRetry?:(result:object, attempt:number, delayMs:number)=>void}} options
 */
export async function withIdempotentRetries(call, { attempts = 4, onRetry, key = newIdempotencyKey() } = {}) {
  let result;
  for (let attempt = 1; ; attempt++) {
    result = await call(key);
    if (!isRetryable(result) || attempt >= attempts) return { ...result, key, attempts: attempt };
    const base = result.retryAfter != null ? result.retryAfter * 1000 : 400 * 2 ** (attempt - 1);
    const delay = Math.min(base, 10_000) + Math.floor(Math.random() * 400);
    if (onRetry) onRetry(result, attempt, delay);
    await sleep(delay);
  }
}

// ---- shopper session (demo login), kept in localStorage ----

const SESSION_KEY = 'stampede.session';

export function loadSession() {
  try {
    const s = JSON.parse(localStorage.getItem(SESSION_KEY) || 'null');
    if (s && typeof s.token === 'string' && typeof s.userId === 'string') {
      if (s.expiresAt && Date.parse(s.expiresAt) < Date.now() + 60_000) return { userId: s.userId, token: null };
      return s;
    }
  } catch { /* unreadable storage: no session */ }
  return null;
}

export function saveSession(session) {
  try {
    if (session) localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else localStorage.removeItem(SESSION_KEY);
  } catch { /* storage full or disabled: keep it in memory only */ }
}

/** POST /api/session; stores and returns {userId, token, expiresAt}, or the failed result. */
export async function signIn(userId) {
  const r = await request('/api/session', { method: 'POST', body: { userId } });
  if (!r.ok) return { ok: false, result: r };
  const session = { userId, token: r.data.token, expiresAt: r.data.expiresAt };
  saveSession(session);
  return { ok: true, session };
}

/** A shopper call that signs in again once (same user id) when the token is refused. */
export async function shopperRequest(path, options = {}) {
  let s = loadSession();
  if (s && !s.token) {
    const again = await signIn(s.userId);
    s = again.ok ? again.session : s;
  }
  let r = await request(path, { ...options, token: s && s.token });
  if (r.status === 401 && s) {
    const again = await signIn(s.userId);
    if (again.ok) r = await request(path, { ...options, token: again.session.token });
  }
  return r;
}

// ---- formatting shared by the pages ----

export function money(cents) {
  if (typeof cents !== 'number' || !Number.isFinite(cents)) return '—';
  // fixed locale and currency: the contract keeps integer minor units and names no currency
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}

export function localTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** "1d 02h 03m", "2h 03m 04s", "3m 04s", "5s" */
export function duration(ms) {
  if (!(ms > 0)) return '0s';
  let s = Math.ceil(ms / 1000); // a countdown shows 1s until the moment itself
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const p = (n) => String(n).padStart(2, '0');
  if (d) return `${d}d ${p(h)}h ${p(m)}m`;
  if (h) return `${h}h ${p(m)}m ${p(s)}s`;
  if (m) return `${m}m ${p(s)}s`;
  return `${s}s`;
}

/** Tiny element builder: el('div', {class:'x', dataset:{testid:'y'}}, 'text', child) */
export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
