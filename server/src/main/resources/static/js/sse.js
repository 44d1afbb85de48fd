// A Server-Sent-Events reader on fetch(), so that a stream can carry `Authorization: Bearer …`
// (EventSource cannot send headers). Parses the stream as the HTML spec's event-stream algorithm does
// (event/data/id/retry fields, comment lines, CR/LF/CRLF line ends, a leading BOM) and reconnects with
// exponential backoff and jitter. A stream that goes silent (no event, no `: ping`) for `staleMs` is
// dropped and reopened.

/**
 * @param {string} url
 * @param {{
 *   token?: () => (string|null|undefined),          // read before each connection
 *   onEvent: (type:string, data:string, id:string) => void,
 *   onOpen?: () => void,                             // the response is 200 text/event-stream
 *   onComment?: (text:string) => void,
 *   onStatus?: (state:'connecting'|'open'|'retrying'|'closed', info:{failures:number, delayMs?:number, status?:number}) => void,
 *   onHttpError?: (status:number) => (boolean|Promise<boolean>), // return false to stop reconnecting
 *   minDelayMs?: number, maxDelayMs?: number, staleMs?: number,
 * }} options
 * @returns {{close: () => void, failures: () => number}}
 */
export function openEventStream(url, options) {
  const minDelay = options.minDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 30000;
  const staleMs = options.staleMs ?? 45000;
  let closed = false;
  let failures = 0;
  let controller = null;
  let lastEventId = '';
  let retryMs = null; // set by a `retry:` field
  let wakeUp = null;
  let skipDelay = false;

  const status = (state, info = {}) => {
    if (options.onStatus) {
      try { options.onStatus(state, { failures, ...info }); } catch (e) { console.warn(e); }
    }
  };

  async function connectOnce() {
    controller = new AbortController();
    const headers = { Accept: 'text/event-stream' };
    const token = options.token ? options.token() : null;
    if (token) headers.Authorization = 'Bearer ' + token;
    if (lastEventId) headers['Last-Event-ID'] = lastEventId;
    status('connecting');
    const res = await fetch(url, { headers, signal: controller.signal, cache: 'no-store', credentials: 'same-origin' });
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok || !type.startsWith('text/event-stream')) {
      try { await res.body?.cancel(); } catch { /* ignore */ }
      const err = new Error('stream answered HTTP ' + res.status);
      err.httpStatus = res.status;
      throw err;
    }
    status('open');
    if (options.onOpen) options.onOpen();
    await read(res.body);
  }

  async function read(body) {
    const reader = body.getReader();
    const decoder = new TextDecoder('utf-8'); // strips a leading BOM
    let buffer = '';
    let pendingCR = false;
    let eventType = '';
    let data = '';
    let dataSeen = false;
    let idBuffer = lastEventId;
    let stale = setTimeout(() => controller.abort(), staleMs);

    const dispatch = () => {
      lastEventId = idBuffer;
      if (!dataSeen) { eventType = ''; return; }
      const payload = data.endsWith('\n') ? data.slice(0, -1) : data;
      const type = eventType || 'message';
      eventType = ''; data = ''; dataSeen = false;
      failures = 0; // a delivered event proves the stream works
      try { options.onEvent(type, payload, lastEventId); } catch (e) { console.error('stream handler failed', e); }
    };

    const line = (l) => {
      if (l === '') { dispatch(); return; }
      if (l.startsWith(':')) {
        if (options.onComment) { try { options.onComment(l.slice(1).trimStart()); } catch { /* ignore */ } }
        return;
      }
      const colon = l.indexOf(':');
      let field = l, value = '';
      if (colon >= 0) {
        field = l.slice(0, colon);
        value = l.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
      }
      switch (field) {
        case 'event': eventType = value; break;
        case 'data': data += value + '\n'; dataSeen = true; break;
        case 'id': if (!value.includes('\u0000')) idBuffer = value; break;
        case 'retry': if (/^\d+$/.test(value)) retryMs = Number(value); break;
        default: break; // unknown fields are ignored
      }
    };

    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        clearTimeout(stale);
        stale = setTimeout(() => controller.abort(), staleMs);
        buffer += decoder.decode(value, { stream: true });
        let start = 0;
        for (let i = 0; i < buffer.length; i++) {
          const c = buffer.charCodeAt(i);
          if (c === 10 /* \n */) {
            if (pendingCR && i === start) { pendingCR = false; start = i + 1; continue; } // the LF of a CRLF
            pendingCR = false;
            line(buffer.slice(start, i));
            start = i + 1;
          } else if (c === 13 /* \r */) {
            line(buffer.slice(start, i));
            start = i + 1;
            pendingCR = true;
          } else {
            pendingCR = false;
          }
        }
        buffer = buffer.slice(start);
      }
    } finally {
      clearTimeout(stale);
      try { reader.releaseLock(); } catch { /* ignore */ }
    }
    // end of stream: an incomplete event at the end is discarded (as the spec says)
  }

  async function loop() {
    while (!closed) {
      let httpStatus;
      try {
        await connectOnce();
        // the server closed the stream: reconnect
      } catch (e) {
        if (closed) break;
        httpStatus = e && e.httpStatus;
      }
      if (closed) break;
      failures++;
      if (httpStatus && options.onHttpError) {
        let goOn = true;
        try { goOn = await options.onHttpError(httpStatus); } catch { goOn = true; }
        if (!goOn) { closed = true; status('closed', { status: httpStatus }); break; }
      }
      if (skipDelay) { skipDelay = false; failures = 0; continue; }
      const base = retryMs != null && failures <= 1 ? retryMs : Math.min(maxDelay, minDelay * 2 ** Math.max(0, failures - 1));
      const delay = Math.round(base * (0.75 + Math.random() * 0.5));
      status('retrying', { delayMs: delay, status: httpStatus });
      await new Promise((resolve) => {
        const t = setTimeout(resolve, delay);
        wakeUp = () => { clearTimeout(t); resolve(); };
      });
      wakeUp = null;
      skipDelay = false;
    }
  }

  loop().catch((e) => console.error('event stream loop ended', e));

  return {
    close() {
      closed = true;
      if (controller) controller.abort();
      if (wakeUp) wakeUp();
      status('closed');
    },
    failures: () => failures,
    /** Drop the current connection and connect again at once (e.g. after a new token). */
    reconnect() {
      failures = 0;
      skipDelay = true;
      if (controller) controller.abort();
      if (wakeUp) wakeUp();
    },
  };
}
