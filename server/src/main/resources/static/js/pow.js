// The page's side of a proof of work: runs js/pow-worker.js and answers with the nonce. A fresh worker per
// challenge, ended as soon as it answered (or the caller gave up), so no hashing goes on in the background.
// It hashes with the plain JS SHA-256 by default: crypto.subtle makes every digest a promise and a round trip to the
// browser's crypto thread, and does 3-4 times fewer hashes a second on the short strings of a challenge
// (docs/benchmarks, "Proof of work: what it costs a phone").

/**
 * @param {string} challenge
 * @param {number} difficulty  leading zero bits
 * @param {{onProgress?: (tried:number, ms:number) => void, signal?: AbortSignal, impl?: string}} options
 * @returns {Promise<{ok:true, nonce:string, tried:number, ms:number, impl:string} | {ok:false, error:string}>}
 */
export function solveProofOfWork(challenge, difficulty, { onProgress, signal, impl = 'js' } = {}) {
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(new URL('./pow-worker.js', import.meta.url), { type: 'module', name: 'proof-of-work' });
    } catch (e) {
      resolve({ ok: false, error: `this browser cannot run the check (${e && e.message ? e.message : e})` });
      return;
    }
    const finish = (result) => {
      worker.terminate();
      if (signal) signal.removeEventListener('abort', abort);
      resolve(result);
    };
    const abort = () => finish({ ok: false, error: 'cancelled' });
    if (signal) {
      if (signal.aborted) { abort(); return; }
      signal.addEventListener('abort', abort);
    }
    worker.onmessage = (e) => {
      const m = e.data || {};
      if (m.type === 'progress') { if (onProgress) onProgress(m.tried, m.ms); }
      else if (m.type === 'done') finish({ ok: true, nonce: m.nonce, tried: m.tried, ms: m.ms, impl: m.impl });
      else if (m.type === 'error') finish({ ok: false, error: m.message });
    };
    worker.onerror = (e) => { e.preventDefault(); finish({ ok: false, error: e.message || 'the check failed to run' }); };
    worker.postMessage({ challenge, difficulty, impl });
  });
}
