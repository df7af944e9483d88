/**
 * The short form of `npm run fuzz` (test/fuzz/cli.ts runs 10,000,000 inputs): 20,000 seeded inputs through every
 * fuzz target — FrameDecoder and MessageDecoder on both backends side by side, Connection in both roles with and
 * without its handshake, parseHttpHead, checkUpgradeRequest, verifyUpgradeResponse, parseExtensions and
 * parseProtocols. No finding allowed: no exception but the documented ones, no disagreement between the backends,
 * no broken contract. WSFRAME_FUZZ_SEED and WSFRAME_FUZZ_COUNT change the seed and the count. Then the harness's
 * own checks, and the regressions the fuzzer found.
 */
import { describe, expect, it } from 'vitest';
import { FrameDecoder, MessageDecoder, WebSocketError, type Message } from '../../src/index.js';
import { compare, sameMessage, type DecoderCase } from './decoders.js';
import { fuzz } from './engine.js';
import { Finding, Outcomes } from './finding.js';
import { BACKENDS, frame, hex } from '../helpers.js';

const SEED = Number(process.env.WSFRAME_FUZZ_SEED ?? 0x6455) >>> 0;
const COUNT = Number(process.env.WSFRAME_FUZZ_COUNT ?? 20_000);

describe('fuzzing (short form of npm run fuzz)', () => {
  it(`${COUNT} inputs: no finding, and the inputs reach every target and most decoder errors`, () => {
    const seed = `0x${SEED.toString(16)}`;
    console.log(`fuzz: seed ${seed}, ${COUNT} inputs (replay one: npm run fuzz -- --seed ${seed} --from N --count 1)`);
    const result = fuzz({ seed: SEED, count: COUNT });
    expect(result.findings).toEqual([]);
    expect(Object.keys(result.kinds).sort()).toEqual(['connection', 'decoders', 'header-value', 'http']);
    const reached = (prefix: string): string[] => [...result.outcomes.keys()].filter((k) => k.startsWith(prefix));
    // 18 error codes exist; a fuzzer stuck at the first header byte would reach two or three.
    expect(reached('MessageDecoder WS_ERR').length).toBeGreaterThanOrEqual(15);
    expect(reached('FrameDecoder WS_ERR').length).toBeGreaterThanOrEqual(9);
    for (const outcome of [
      'MessageDecoder ok',
      'FrameDecoder ok',
      'MessageDecoder end WS_ERR_UNEXPECTED_EOF',
      'Connection open',
      'Connection text',
      'Connection error WS_ERR_HANDSHAKE',
      'Connection server refused 400',
      'Connection server sent close',
      'checkUpgradeRequest ok',
      'checkUpgradeRequest 400',
      'verifyUpgradeResponse ok',
      'verifyUpgradeResponse refused',
      'parseHttpHead 400',
      'parseHttpHead 431',
      'parseExtensions ok',
      'parseExtensions 400',
      'parseProtocols ok',
      'parseProtocols 400',
    ]) {
      expect(result.outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
    }
  }, 240_000);
});

describe('the fuzz harness', () => {
  const stream = frame({ opcode: 1, payload: 'hello' }, true);
  const base: DecoderCase = {
    kind: 'decoders',
    role: 'server',
    options: {},
    backends: ['wasm', 'js'],
    bytes: stream,
    cuts: [3],
    end: true,
    noise: false,
  };
  const run = (make: (backend: string) => { push(c: Uint8Array): Message[]; end(): void }): unknown => {
    try {
      compare(base, make, sameMessage, 'test', new Outcomes());
      return null;
    } catch (error) {
      return error instanceof Finding ? error.kind : error;
    }
  };

  it('passes decoders that agree', () => {
    expect(run((backend) => new MessageDecoder({ role: 'server', backend: backend as 'wasm' }))).toBeNull();
  });

  it('reports backends that return different messages', () => {
    const liar = (backend: string): { push(c: Uint8Array): Message[]; end(): void } => {
      const real = new MessageDecoder({ role: 'server', backend: backend as 'wasm' });
      const lie = (m: Message): Message => (backend === 'js' ? { type: 'text', data: 'hellO' } : m);
      return { push: (c) => real.push(c).map(lie), end: () => real.end() };
    };
    expect(run(liar)).toBe('disagreement');
  });

  it('reports an error at another push, and an exception that is not a WebSocketError', () => {
    const early = (backend: string): { push(c: Uint8Array): Message[]; end(): void } => ({
      push: () => {
        if (backend === 'js') throw new WebSocketError('WS_ERR_INVALID_UTF8', 1007, 'x');
        return [];
      },
      end: () => undefined,
    });
    expect(run(early)).toBe('disagreement');
    expect(
      run(() => ({
        push: () => {
          throw new TypeError('boom');
        },
        end: () => undefined,
      })),
    ).toBe('exception');
  });
});

describe('fuzzer findings', () => {
  it.each(BACKENDS)(
    'FrameDecoder reports the mask key of a frame that ends in a later push, even when another ' +
      'decoder parsed a header in between (%s)',
    (backend) => {
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
    },
  );
});
