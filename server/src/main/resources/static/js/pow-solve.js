// The proof-of-work search itself (docs/fair-drops.md, "Proof of work"): the first decimal nonce 0, 1, 2, … such
// that SHA-256 of the UTF-8 bytes of `challenge + ":" + nonce` begins with `difficulty` zero bits. The pages run it
// in a Web Worker (pow-worker.js); the proof-of-work cost measurement (ProofOfWorkCostIT) also runs it on a page's
// main thread, where Chromium's CPU throttling applies (it does not reach workers).
//
// WebCrypto (crypto.subtle) does the hashing whenever the page is a secure context; elsewhere (plain http on a LAN)
// the plain JS SHA-256 of sha256.js does. Digests are asked for in batches, because each crypto.subtle call is a
// promise: one at a time would spend most of the time waiting for the answer rather than hashing.
import { sha256, leadingZeroBits, hasSubtle } from './sha256.js';

const MAX_TRIES = 2 ** 34; // far beyond difficulty 24's 2^24 expected; a bound so a bad input cannot spin forever

function candidate(prefix, n) {
  const digits = String(n);
  const bytes = new Uint8Array(prefix.length + digits.length);
  bytes.set(prefix);
  for (let i = 0; i < digits.length; i++) bytes[prefix.length + i] = digits.charCodeAt(i);
  return bytes;
}

/**
 * @param {{challenge:string, difficulty:number, impl?:'auto'|'subtle'|'js', batch?:number,
 *          onProgress?:(tried:number, ms:number)=>void}} job
 * @returns {Promise<{nonce:string, tried:number, ms:number, impl:'subtle'|'js'}>}
 */
export async function solve({ challenge, difficulty, impl = 'auto', batch = 128, onProgress }) {
  const useSubtle = impl === 'subtle' || (impl === 'auto' && hasSubtle());
  if (useSubtle && !hasSubtle()) throw new Error('WebCrypto is not available here');
  const prefix = new TextEncoder().encode(String(challenge) + ':');
  const started = performance.now();
  let lastReport = started;
  let n = 0;
  while (n < MAX_TRIES) {
    if (useSubtle) {
      const pending = new Array(batch);
      for (let i = 0; i < batch; i++) pending[i] = crypto.subtle.digest('SHA-256', candidate(prefix, n + i));
      const hashes = await Promise.all(pending);
      for (let i = 0; i < batch; i++) {
        if (leadingZeroBits(new Uint8Array(hashes[i])) >= difficulty) {
          return { nonce: String(n + i), tried: n + i + 1, ms: performance.now() - started, impl: 'subtle' };
        }
      }
      n += batch;
    } else {
      const end = n + 4096;
      for (; n < end; n++) {
        if (leadingZeroBits(sha256(candidate(prefix, n))) >= difficulty) {
          return { nonce: String(n), tried: n + 1, ms: performance.now() - started, impl: 'js' };
        }
      }
    }
    const t = performance.now();
    if (onProgress && t - lastReport >= 250) {
      lastReport = t;
      onProgress(n, t - started);
    }
  }
  throw new Error('no nonce found');
}
