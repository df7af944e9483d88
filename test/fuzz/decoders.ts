/**
 * Fuzz target: FrameDecoder and MessageDecoder on the 'wasm', 'js' (and now and then 'auto') backends, fed the same
 * chunks side by side. A finding is any exception other than WebSocketError, a pushed chunk written to without
 * `inPlace`, a failed decoder that does not rethrow its error, or backends that disagree: other frames or
 * messages from a push, or another error (code, close code, messages decoded before it) at another push.
 */
import { FrameDecoder, MessageDecoder, WebSocketError, type Frame, type Message } from '../../src/index.js';
import type { MessageDecoderOptions } from '../../src/types.js';
import { Finding, hexOf, type Outcomes } from './finding.js';
import { type Rand, chunksOf, mutate, randomFrames, splitPoints } from './mutate.js';

type Backend = 'wasm' | 'js' | 'auto';
type Role = 'server' | 'client';

export interface DecoderCase {
  kind: 'decoders';
  role: Role;
  options: Omit<MessageDecoderOptions, 'role' | 'backend'>;
  backends: Backend[];
  bytes: Uint8Array;
  cuts: number[];
  end: boolean;
  /** Other decoders push a frame between any two pushes (the backends serve every decoder of the realm). */
  noise: boolean;
}

const SMALL_LIMITS = [0, 1, 2, 125, 126, 1000, 65535, 65536];

/** Mostly the defaults; sometimes limits low enough for a corpus stream to cross them. */
function decoderOptions(r: Rand): DecoderCase['options'] {
  const options: DecoderCase['options'] = {};
  if (r.chance(0.15)) options.maxMessageSize = r.pick(SMALL_LIMITS);
  if (r.chance(0.1)) options.maxFrameSize = r.pick(SMALL_LIMITS);
  if (r.chance(0.1)) options.maxFragments = 1 + r.int(5); // at least 1: 0 is a RangeError
  if (r.chance(0.1)) options.validateUtf8 = false;
  if (r.chance(0.3)) options.textAs = 'bytes';
  if (r.chance(0.2)) options.inPlace = true;
  return options;
}

/** `stream(role, r)` picks a corpus stream for a decoder of that role. */
export function decoderCase(r: Rand, stream: (role: Role, r: Rand) => Uint8Array): DecoderCase {
  const role: Role = r.chance(0.5) ? 'server' : 'client';
  // A stream for the other role now and then: every frame then breaks the masking rule (RFC 6455 §5.1).
  const source: Role = r.chance(0.05) ? (role === 'server' ? 'client' : 'server') : role;
  let bytes: Uint8Array;
  const from = r.int(10);
  if (from < 3) bytes = randomFrames(r, source === 'server');
  else bytes = stream(source, r);
  if (from >= 1 && r.chance(0.85)) {
    bytes = mutate(r, bytes, from < 5 ? randomFrames(r, source === 'server') : stream(source, r));
  }
  const backends: Backend[] = r.chance(0.25) ? ['wasm', 'js', 'auto'] : ['wasm', 'js'];
  const cuts = splitPoints(r, bytes.length);
  const options = decoderOptions(r);
  return { kind: 'decoders', role, options, backends, bytes, cuts, end: r.chance(0.5), noise: r.chance(0.3) };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function sameMessage(a: Message, b: Message): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'close') return a.code === (b as typeof a).code && a.reason === (b as typeof a).reason;
  const x = a.data;
  const y = (b as typeof a).data;
  if (typeof x === 'string' || typeof y === 'string') return x === y;
  return sameBytes(x, y);
}

function sameFrame(a: Frame, b: Frame): boolean {
  return (
    a.fin === b.fin &&
    a.rsv1 === b.rsv1 &&
    a.rsv2 === b.rsv2 &&
    a.rsv3 === b.rsv3 &&
    a.opcode === b.opcode &&
    a.masked === b.masked &&
    a.maskKey === b.maskKey &&
    sameBytes(a.payload, b.payload)
  );
}

/** What one push did: the items it returned, or the error it threw (with what it decoded before). */
interface Step<T> {
  items: T[];
  error: WebSocketError | null;
}

function describeStep<T>(s: Step<T>): string {
  if (!s.error) return `${s.items.length} items`;
  return `${s.error.code} ${s.error.closeCode} after ${s.error.messages.length} item(s)`;
}

/** Where two pushes differ (null: they agree). */
function stepDifference<T>(a: Step<T>, b: Step<T>, same: (x: T, y: T) => boolean): string | null {
  if ((a.error === null) !== (b.error === null)) return 'one threw';
  if (a.error && b.error && (a.error.code !== b.error.code || a.error.closeCode !== b.error.closeCode)) {
    return 'other errors';
  }
  const ia = (a.error ? a.error.messages : a.items) as T[];
  const ib = (b.error ? b.error.messages : b.items) as T[];
  if (ia.length !== ib.length) return 'item counts differ';
  const i = ia.findIndex((x, k) => !same(x, ib[k]!));
  return i < 0 ? null : `item ${i} differs: ${show(ia[i])} vs ${show(ib[i])}`;
}

/** A message or frame for a report (payload bytes in hex, cut short). */
function show(item: unknown): string {
  return JSON.stringify(item, (_k, v: unknown) => (v instanceof Uint8Array ? hexOf(v, 32) : v)).slice(0, 400);
}

interface Pushable<T> {
  push(chunk: Uint8Array): T[];
  end(): void;
}

function step<T>(call: () => T[], what: string): Step<T> {
  try {
    return { items: call(), error: null };
  } catch (error) {
    if (error instanceof WebSocketError) return { items: [], error };
    throw new Finding('exception', `${what} threw ${describeError(error)}`);
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const where = error.stack?.split('\n')[1]?.trim();
  return `${error.name}: ${error.message}${where ? ` @ ${where}` : ''}`;
}

/**
 * Before decoder `b`'s push, a frame of `b + 1` bytes masked with key `b + 1` in every byte goes through a decoder
 * on each backend: state a backend keeps across decoders would then differ between the decoders compared.
 */
class Noise {
  private readonly decoders = (['wasm', 'js'] as const).map((backend) => new FrameDecoder({ role: 'server', backend }));
  private readonly frames = [1, 2, 3].map((k) => new Uint8Array([0x82, 0x80 | k, k, k, k, k, ...new Uint8Array(k)]));
  before(b: number): void {
    for (const decoder of this.decoders) decoder.push(this.frames[b]!);
  }
}

/** Feed every decoder the same chunks; compare each push across backends. Exported for the harness's own tests. */
export function compare<T>(
  c: DecoderCase,
  make: (backend: Backend) => Pushable<T>,
  same: (x: T, y: T) => boolean,
  name: string,
  outcomes: Outcomes,
): void {
  const decoders = c.backends.map((backend) => ({ backend, decoder: make(backend) }));
  const chunks = chunksOf(c.bytes, c.cuts);
  const original = c.options.inPlace ? null : c.bytes.slice();
  const noise = c.noise ? new Noise() : null;
  let failed: WebSocketError[] | null = null;
  for (let i = 0; i < chunks.length && !failed; i++) {
    const steps = decoders.map(({ backend, decoder }, b) => {
      noise?.before(b);
      const chunk = c.options.inPlace ? chunks[i]!.slice() : chunks[i]!;
      return step(() => decoder.push(chunk), `${name} (${backend}, ${c.role}) push ${i}`);
    });
    for (let b = 1; b < steps.length; b++) {
      const difference = stepDifference(steps[0]!, steps[b]!, same);
      if (difference) {
        throw new Finding(
          'disagreement',
          `${name} ${c.role}, push ${i} of ${chunks.length}: ${c.backends[0]} ` +
            `${describeStep(steps[0]!)}, ${c.backends[b]} ${describeStep(steps[b]!)}; ${difference}`,
        );
      }
    }
    if (steps[0]!.error) failed = steps.map((s) => s.error!);
  }
  if (original && !sameBytes(original, c.bytes)) {
    throw new Finding('wrote-input', `${name} ${c.role} wrote to a pushed chunk without inPlace`);
  }
  if (failed) {
    outcomes.add(`${name} ${failed[0]!.code}`);
    // "the decoder stays failed and rethrows it"
    decoders.forEach(({ backend, decoder }, b) => {
      const again = step(() => decoder.push(new Uint8Array([0x81])), `${name} (${backend}) push after failure`);
      if (again.error !== failed![b]) throw new Finding('contract', `${name} (${backend}) did not rethrow its failure`);
    });
    return;
  }
  outcomes.add(`${name} ok`);
  if (!c.end) return;
  const ends = decoders.map(({ backend, decoder }) =>
    step(() => {
      decoder.end();
      return [];
    }, `${name} (${backend}) end()`),
  );
  for (let b = 1; b < ends.length; b++) {
    if (stepDifference(ends[0]!, ends[b]!, same)) {
      throw new Finding(
        'disagreement',
        `${name} ${c.role} end(): ${c.backends[0]} ${describeStep(ends[0]!)}, ` +
          `${c.backends[b]} ${describeStep(ends[b]!)}`,
      );
    }
  }
  if (ends[0]!.error) outcomes.add(`${name} end ${ends[0]!.error.code}`);
}

export function runDecoderCase(c: DecoderCase, outcomes: Outcomes): void {
  const { role, options } = c;
  const messages = (backend: Backend): MessageDecoder => new MessageDecoder({ ...options, role, backend });
  const frames = (backend: Backend): FrameDecoder =>
    new FrameDecoder({ role, backend, maxFrameSize: options.maxFrameSize, inPlace: options.inPlace });
  compare<Message>(c, messages, sameMessage, 'MessageDecoder', outcomes);
  compare<Frame>(c, frames, sameFrame, 'FrameDecoder', outcomes);
}

export function printDecoderCase(c: DecoderCase): string {
  return (
    `${c.role} decoders on ${c.backends.join('+')}, options ${JSON.stringify(c.options)}, end() ${c.end}, ` +
    `noise ${c.noise}\n` +
    `  pushes at ${JSON.stringify(c.cuts)} of ${c.bytes.length} bytes: ${hexOf(c.bytes)}`
  );
}
