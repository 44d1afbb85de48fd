// The proof-of-work solver as a module Web Worker, so the page stays responsive while it hashes (see pow-solve.js).
// in:  {challenge, difficulty, impl?: 'auto'|'subtle'|'js', batch?: number}
// out: {type:'progress', tried, ms} about every 250 ms, then {type:'done', nonce, tried, ms, impl}
//      or {type:'error', message}
import { solve } from './pow-solve.js';

self.onmessage = async (e) => {
  const job = e.data || {};
  const difficulty = Number(job.difficulty);
  if (typeof job.challenge !== 'string' || !Number.isInteger(difficulty) || difficulty < 0 || difficulty > 256) {
    self.postMessage({ type: 'error', message: 'a challenge string and a difficulty of 0..256 bits are needed' });
    return;
  }
  try {
    const answer = await solve({
      challenge: job.challenge, difficulty, impl: job.impl, batch: job.batch,
      onProgress: (tried, ms) => self.postMessage({ type: 'progress', tried, ms }),
    });
    self.postMessage({ type: 'done', ...answer });
  } catch (err) {
    self.postMessage({ type: 'error', message: String((err && err.message) || err) });
  }
};
