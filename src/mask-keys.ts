/**
 * Mask keys for client frames (RFC 6455 §5.3: "MUST ... be unpredictable", from a strong source of entropy)
 * come from `crypto.getRandomValues`, drawn 1024 at a time into a pool so each frame costs one array read.
 */
const POOL = 1024;
const pool = new Uint32Array(POOL);
let next = POOL;

export function nextMaskKey(): number {
  if (next === POOL) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  return pool[next++]! | 0;
}
