/**
 * Regressions from the fuzzer (test/fuzz/, `npm run fuzz`).
 */
import { describe, expect, it } from 'vitest';
import { FrameDecoder } from '../src/index.js';
import { BACKENDS, frame, hex } from './helpers.js';

describe('fuzzer findings', () => {
  it.each(BACKENDS)('FrameDecoder reports the mask key of a frame that ends in a later push, even when another decoder parsed '
    + 'a header in between (%s)', (backend) => {
    // The key of a frame's header used to be the backend's (one per realm, shared by every decoder), so a frame
    // finished in a later push got the key of whatever header that backend parsed last (seed 1, input 478).
    const first = frame({ opcode: 2, payload: new Uint8Array(20).fill(7), mask: hex('d2e0c1c2') }, true);
    const other = frame({ opcode: 2, payload: new Uint8Array(3), mask: hex('7e78505a') }, true);
    const a = new FrameDecoder({ role: 'server', backend });
    const b = new FrameDecoder({ role: 'server', backend });
    expect(a.push(first.subarray(0, 10))).toEqual([]);
    expect(b.push(other).map((f) => f.maskKey)).toEqual([0x5a50787e]);
    const [frameOfA] = a.push(first.subarray(10));
    expect(frameOfA!.maskKey).toBe(0xc2c1e0d2);
    expect(frameOfA!.payload).toEqual(new Uint8Array(20).fill(7));
  });
});
