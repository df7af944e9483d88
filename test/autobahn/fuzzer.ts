/**
 * One fuzzing connection, modelled on the Autobahn|Testsuite fuzzer (autobahn-python's protocol + `Case`): it
 * plays one case's script against the peer under test, records what comes back ("received" events), runs the
 * fuzzer's side of the closing handshake and computes the two verdicts — behaviour (events vs expectations) and
 * closing behaviour (who closed, clean or not, which code).
 */
import type { Socket } from 'node:net';
import { ZlibDeflate, type Agreement, type ClientOffer } from './compression.js';
import {
  OP,
  applyMask,
  closeBody,
  encodeFrame,
  frameHeader,
  newMask,
  repeat,
  FrameReader,
  type FrameIn,
} from './wire.js';

export type Behavior = 'OK' | 'NON-STRICT' | 'FAILED' | 'INFORMATIONAL' | 'UNIMPLEMENTED';
export type CloseBehavior = 'OK' | 'FAILED' | 'UNCLEAN' | 'WRONG CODE' | 'FAILED BY CLIENT' | 'INFORMATIONAL';
/** Overall verdict in our report: the worse of the two columns (see report.ts). */
export type Status = 'OK' | 'NON-STRICT' | 'INFORMATIONAL' | 'UNIMPLEMENTED' | 'FAILED';

export type Event =
  | ['message', Uint8Array, boolean]
  | ['ping', Uint8Array]
  | ['pong', Uint8Array]
  | ['timeout', string];

export interface ExpectedClose {
  /** Must the fuzzer be the one that starts the closing handshake (or fails the connection)? */
  closedByMe: boolean;
  /** Close codes accepted from the peer (a close without a code is always accepted). */
  closeCode: number[];
  requireClean: boolean;
  /** UTF-8 cases: if the wrong side closed, the peer never noticed the bad text → behaviour FAILED. */
  closedByWrongEndpointIsFatal?: boolean;
}

export interface CaseDef {
  id: string;
  description: string;
  expectation: string;
  onOpen(c: Fuzzer): void;
  /** Replaces the default message handling (record + finishWhenDone), as the 9.x cases do. */
  onMessage?(c: Fuzzer, payload: Uint8Array, binary: boolean): void;
  /** Adjusts the verdicts after they are computed (7.x: WRONG CODE → FAILED; 7.1.6/7.13.x: informational). */
  onConnectionLost?(c: Fuzzer): void;
  /** Upper bound for the whole case in (unscaled) seconds; the driver's hard timeout derives from it. */
  seconds: number;
  /** Groups 12–13: the `Sec-WebSocket-Extensions` the fuzzer offers as a client (RFC 7692). */
  deflateOffer?: string;
  /** Groups 12–13, the fuzzer as a server: its response to the client's offers, or null to decline. */
  deflateAccept?: (offers: ClientOffer[]) => string | null;
}

export interface CaseResult {
  id: string;
  description: string;
  expectation: string;
  status: Status;
  behavior: Behavior;
  behaviorClose: CloseBehavior;
  result: string;
  resultClose: string;
  expected: Record<string, string[]>;
  expectedClose: ExpectedClose;
  received: string[];
  closedByMe: boolean;
  droppedByMe: boolean;
  wasClean: boolean;
  remoteCloseCode: number | null;
  localCloseCode: number | null;
  violations: string[];
  durationMs: number;
}

type State = 'OPEN' | 'CLOSING' | 'CLOSED';

/** Close codes a peer may send (RFC 6455 §7.4): 1000–1003, 1007–1014, 3000–4999. */
const validCloseCode = (c: number): boolean =>
  (c >= 1000 && c <= 1003) || (c >= 1007 && c <= 1014) || (c >= 3000 && c <= 4999);
const utf8Valid = (b: Uint8Array): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};
const eqBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.compare(a, b) === 0;
function eqEvents(a: readonly Event[], b: readonly Event[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i]!;
    if (x[0] !== y[0]) return false;
    if (x[0] === 'timeout') return x[1] === y[1];
    if (!eqBytes(x[1], y[1] as Uint8Array)) return false;
    return x[0] !== 'message' || x[2] === y[2];
  });
}

/** A short printable form of an event (payloads over 40 bytes summarised by length). */
export function showEvent(e: Event): string {
  if (e[0] === 'timeout') return `timeout ${e[1]}`;
  const p = e[1];
  const text =
    p.length > 40
      ? `${p.length} bytes`
      : utf8Valid(p)
        ? JSON.stringify(Buffer.from(p).toString('utf8'))
        : `0x${Buffer.from(p).toString('hex')}`;
  return e[0] === 'message' ? `${e[2] ? 'binary' : 'text'} ${text}` : `${e[0]} ${text}`;
}

export interface FuzzerOptions {
  socket: Socket;
  /** true: the fuzzer is the server (fuzzingserver mode, testing a client); false: the client (testing a server). */
  isServer: boolean;
  def: CaseDef;
  /** Multiplier for the case's pauses and timeouts (1 = Autobahn's; the quick mode uses less). */
  timeScale: number;
  /** Bytes that arrived with the handshake. */
  head?: Uint8Array;
  /** permessage-deflate as agreed in the handshake: messages are compressed and RSV1 messages inflated. */
  deflate?: Agreement;
}

const immediate = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Fuzzer {
  readonly def: CaseDef;
  readonly isServer: boolean;
  readonly timeScale: number;
  // ---- the Case fields (autobahn's Case class) ----
  expected: Partial<Record<'OK' | 'NON-STRICT', Event[]>> = {};
  expectedClose: ExpectedClose = { closedByMe: true, closeCode: [1000], requireClean: true };
  received: Event[] = [];
  behavior: Behavior = 'FAILED';
  behaviorClose: CloseBehavior = 'FAILED';
  result = 'Actual events differ from any expected.';
  resultClose = 'TCP connection was dropped without close handshake';
  suppressClose = false;
  /** Outgoing frames per opcode (10.1.1 checks the fuzzer's own fragmentation). */
  readonly txFrames = new Map<number, number>();
  /** Auto-fragment every message sent with sendMessage (10.1.1). 0 = off. */
  autoFragmentSize = 0;
  // ---- the protocol fields (autobahn's WebSocketProtocol) ----
  state: State = 'OPEN';
  closedByMe = false;
  failedByMe = false;
  droppedByMe = false;
  wasClean = false;
  remoteCloseCode: number | null = null;
  localCloseCode: number | null = null;
  readonly violations: string[] = [];
  readonly finished: Promise<CaseResult>;

  /** Set by a case the peer cannot take part in (a client that did not offer what it needs): UNIMPLEMENTED. */
  unimplemented = false;
  /** permessage-deflate was agreed (groups 12–13). */
  readonly compressing: boolean;
  private readonly pmd: ZlibDeflate | null;
  private readonly socket: Socket;
  private readonly reader = new FrameReader();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closeHandshakeTimer: NodeJS.Timeout | null = null;
  private message: { opcode: number; parts: Uint8Array[]; compressed: boolean } | null = null;
  private closeReceived = false;
  private queue: { data: Uint8Array; separate: boolean }[] = [];
  private pumping = false;
  private afterFlush: (() => void) | null = null;
  private readonly started = performance.now();
  private resolve!: (r: CaseResult) => void;

  constructor(options: FuzzerOptions) {
    this.socket = options.socket;
    this.isServer = options.isServer;
    this.def = options.def;
    this.timeScale = options.timeScale;
    this.pmd = options.deflate ? new ZlibDeflate(options.deflate, options.isServer) : null;
    this.compressing = this.pmd !== null;
    this.finished = new Promise((resolve) => (this.resolve = resolve));
    const socket = this.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.connectionLost());
    this.def.onOpen(this);
    if (options.head && options.head.length > 0) this.onData(options.head);
  }

  /** Seconds in the case script → ms, scaled; a scaled pause never drops below 500 ms (loopback under load). */
  ms(seconds: number): number {
    return Math.max(seconds * 1000 * this.timeScale, Math.min(seconds * 1000, 500));
  }

  // ------------------------------------------------------------------------------------------------ sending

  /** Any frame, valid or not, in any state but CLOSED (the fuzzer's raw sendFrame). */
  sendFrame(f: {
    opcode: number;
    fin?: boolean;
    rsv?: number;
    payload?: Uint8Array | string;
    payloadLen?: number;
    chopsize?: number;
    sync?: boolean;
  }): void {
    if (this.state === 'CLOSED') return;
    let payload = typeof f.payload === 'string' ? Buffer.from(f.payload, 'utf8') : (f.payload ?? new Uint8Array(0));
    if (f.payloadLen !== undefined) payload = repeat(payload, f.payloadLen);
    this.txFrames.set(f.opcode, (this.txFrames.get(f.opcode) ?? 0) + 1);
    this.sendData(
      encodeFrame({ opcode: f.opcode, fin: f.fin, rsv: f.rsv, payload }, !this.isServer),
      f.sync ?? false,
      f.chopsize,
    );
  }

  /** A whole message, fragmented at `fragmentSize` (or autoFragmentSize); only while OPEN. */
  sendMessage(payload: Uint8Array | string, binary: boolean, fragmentSize?: number, sync = false): void {
    if (this.state !== 'OPEN') return;
    const bytes = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    const size = fragmentSize ?? Math.max(this.autoFragmentSize, 0);
    const opcode = binary ? OP.BINARY : OP.TEXT;
    // RFC 7692 §6.1: compressed, RSV1 on the first frame only; the compressed bytes are what gets fragmented.
    const data = this.pmd ? this.pmd.compress(bytes) : bytes;
    const rsv = this.pmd ? 4 : 0;
    if (size === 0 || data.length <= size) return this.sendFrame({ opcode, rsv, payload: data, sync });
    for (let i = 0; i < data.length; i += size) {
      const end = Math.min(i + size, data.length);
      const frame = { opcode: i === 0 ? opcode : OP.CONT, fin: end === data.length, payload: data.subarray(i, end) };
      this.sendFrame({ ...frame, rsv: i === 0 ? rsv : 0, sync });
    }
  }

  /** One frame whose payload is written later in pieces (6.4.3/6.4.4): returns the piece writer. */
  beginFrame(opcode: number, length: number): (piece: Uint8Array) => void {
    const mask = this.isServer ? null : newMask();
    this.txFrames.set(opcode, (this.txFrames.get(opcode) ?? 0) + 1);
    this.sendData(frameHeader(opcode, length, true, 0, mask), false);
    let offset = 0;
    return (piece) => {
      if (this.state !== 'OPEN') return;
      this.sendData(mask ? applyMask(piece, mask, offset) : piece, false);
      offset += piece.length;
    };
  }

  /** The fuzzer's sendCloseFrame: any code/reason bytes; starts (or answers) the closing handshake. */
  sendCloseFrame(code?: number, reason?: Uint8Array | string, isReply = false): void {
    if (this.state !== 'OPEN') return;
    const reasonBytes = typeof reason === 'string' ? Buffer.from(reason, 'utf8') : reason;
    const body = code === undefined && reasonBytes ? reasonBytes : closeBody(code, reasonBytes);
    this.sendData(encodeFrame({ opcode: OP.CLOSE, payload: body }, !this.isServer), false);
    this.state = 'CLOSING';
    this.closedByMe = !isReply;
    this.localCloseCode = code ?? null;
    if (this.closedByMe) {
      // No reply in time: drop TCP, unclean (autobahn's closeHandshakeTimeout, 1 s).
      this.closeHandshakeTimer = this.timer(1000, () => {
        this.wasClean = false;
        this.dropConnection(true);
      });
    }
  }

  /** Start a normal closing handshake. */
  sendClose(code?: number, reason?: string): void {
    this.sendCloseFrame(code, reason, false);
  }

  /** Fail the connection from the fuzzer's side (failByDrop=false: a close frame, 1001 by default). */
  failConnection(code = 1001, reason = 'Going Away'): void {
    if (this.state === 'CLOSED') return;
    this.failedByMe = true;
    if (this.state !== 'CLOSING') this.sendCloseFrame(code, reason, false);
  }

  continueLater(seconds: number, fn: () => void): void {
    this.timer(this.ms(seconds), fn);
  }

  killAfter(seconds: number): void {
    this.timer(this.ms(seconds), () => this.failConnection());
  }

  closeAfter(seconds: number): void {
    this.timer(this.ms(seconds), () => this.sendClose());
  }

  /** Record an event and start the closing handshake once every expectation is met (autobahn's finishWhenDone). */
  record(event: Event): void {
    this.received.push(event);
    this.finishWhenDone();
  }

  finishWhenDone(): void {
    for (const list of Object.values(this.expected)) if (!eqEvents(this.received, list!)) return;
    if (this.expectedClose.closedByMe && !this.suppressClose) this.sendClose(this.expectedClose.closeCode[0]);
  }

  private timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (this.state !== 'CLOSED') fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  /**
   * Writes keep their order. Plain sends made in the same turn go out as one write (as Twisted's buffered
   * transport does); `sync` frames and chops are separate writes with an event-loop turn between them.
   */
  private sendData(data: Uint8Array, sync: boolean, chopsize?: number): void {
    if (chopsize && chopsize > 0) {
      for (let i = 0; i < data.length; i += chopsize)
        this.queue.push({ data: data.subarray(i, i + chopsize), separate: true });
    } else {
      this.queue.push({ data, separate: sync });
    }
    if (!this.pumping) {
      this.pumping = true;
      setImmediate(() => void this.pump());
    }
  }

  private async pump(): Promise<void> {
    let i = 0; // an index, not shift(): 9.3.1 queues 65,536 frames
    while (i < this.queue.length && !this.socket.destroyed) {
      if (this.queue[i]!.separate) {
        this.socket.write(this.queue[i++]!.data);
        await immediate();
      } else {
        const batch: Uint8Array[] = [];
        while (i < this.queue.length && !this.queue[i]!.separate) batch.push(this.queue[i++]!.data);
        this.socket.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
      }
    }
    this.queue = [];
    this.pumping = false;
    const next = this.afterFlush;
    this.afterFlush = null;
    next?.();
  }

  private dropConnection(abort: boolean): void {
    if (this.state === 'CLOSED') return;
    this.droppedByMe = true;
    this.state = 'CLOSED';
    const socket = this.socket;
    if (abort) return void socket.destroy();
    const end = (): void => {
      socket.end();
      setTimeout(() => socket.destroy(), 2000).unref();
    };
    if (this.pumping) this.afterFlush = end;
    else end();
  }

  // ------------------------------------------------------------------------------------------------ receiving

  private violation(what: string, code = 1002): void {
    this.violations.push(what);
    this.failConnection(code, what.slice(0, 100));
  }

  private onData(chunk: Uint8Array): void {
    if (this.state === 'CLOSED') return;
    for (const frame of this.reader.push(chunk)) {
      if ((this.state as State) === 'CLOSED') return;
      this.onFrame(frame);
    }
  }

  private onFrame(f: FrameIn): void {
    if (this.closeReceived) return this.violation(`frame (opcode ${f.opcode}) after the peer's close`);
    if (f.masked !== this.isServer)
      return this.violation(this.isServer ? 'unmasked frame from the client' : 'masked frame from the server');
    // RFC 7692 §6.1: with permessage-deflate, RSV1 (rsv 4) may start a text or binary message, nothing else.
    const compressedStart = this.pmd !== null && f.rsv === 4 && (f.opcode === OP.TEXT || f.opcode === OP.BINARY);
    if (f.rsv !== 0 && !compressedStart) return this.violation(`RSV bits ${f.rsv} set`);
    if (f.opcode >= 8) {
      if (!f.fin || f.payload.length > 125) return this.violation('fragmented or oversized control frame');
      if (f.opcode === OP.PING) {
        this.record(['ping', f.payload]);
        if (this.state === 'OPEN') this.sendFrame({ opcode: OP.PONG, payload: f.payload });
      } else if (f.opcode === OP.PONG) {
        this.record(['pong', f.payload]);
      } else if (f.opcode === OP.CLOSE) {
        this.onCloseFrame(f.payload);
      } else {
        this.violation(`reserved opcode ${f.opcode}`);
      }
      return;
    }
    if (f.opcode > 2) return this.violation(`reserved opcode ${f.opcode}`);
    if (f.opcode === OP.CONT && !this.message) return this.violation('continuation without a message');
    if (f.opcode !== OP.CONT && this.message) return this.violation('new message while a fragmented one is open');
    if (!this.message) this.message = { opcode: f.opcode, parts: [], compressed: compressedStart };
    this.message.parts.push(f.payload);
    if (!f.fin) return;
    const { opcode, parts, compressed } = this.message;
    this.message = null;
    let payload = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
    if (compressed) {
      try {
        payload = this.pmd!.decompress(payload);
      } catch (error) {
        return this.violation(`invalid compressed message: ${(error as Error).message}`, 1007);
      }
    }
    if (opcode === OP.TEXT && !utf8Valid(payload)) return this.violation('invalid UTF-8 in a text message', 1007);
    if (this.def.onMessage) this.def.onMessage(this, payload, opcode === OP.BINARY);
    else this.record(['message', payload, opcode === OP.BINARY]);
  }

  private onCloseFrame(body: Uint8Array): void {
    this.closeReceived = true;
    if (body.length === 1) this.violation('close frame with a 1-byte body');
    const code = body.length >= 2 ? (body[0]! << 8) | body[1]! : null;
    this.remoteCloseCode = code;
    if (code !== null && !validCloseCode(code)) this.violation(`invalid close code ${code} on the wire`);
    if (body.length > 2 && !utf8Valid(body.subarray(2))) this.violation('invalid UTF-8 in the close reason', 1007);
    if (this.state === 'CLOSING') {
      // The reply to our close: the handshake is complete.
      if (this.closeHandshakeTimer) clearTimeout(this.closeHandshakeTimer);
      this.wasClean = true;
      if (this.isServer) this.dropConnection(true);
      else this.awaitServerDrop();
    } else if (this.state === 'OPEN') {
      // The peer closes first: reply (autobahn replies 1000 unless told to echo).
      this.wasClean = true;
      this.sendCloseFrame(1000, undefined, true);
      if (this.isServer) this.dropConnection(false);
      else this.awaitServerDrop();
    }
  }

  /** A client expects the server to close TCP after the closing handshake; if it does not in 1 s, the client drops it. */
  private awaitServerDrop(): void {
    this.timer(1000, () => {
      this.wasClean = false;
      this.dropConnection(true);
    });
  }

  // ------------------------------------------------------------------------------------------------ verdict

  private connectionLost(): void {
    this.state = 'CLOSED';
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const [key, list] of Object.entries(this.expected) as [Behavior, Event[]][]) {
      if (eqEvents(this.received, list)) {
        this.behavior = key;
        this.result = 'Actual events match at least one expected.';
        break;
      }
    }
    const ec = this.expectedClose;
    if (ec.closedByMe !== this.closedByMe) {
      this.behaviorClose = 'FAILED';
      this.resultClose = 'The connection was failed by the wrong endpoint';
    } else if (ec.requireClean && !this.wasClean) {
      this.behaviorClose = 'UNCLEAN';
      this.resultClose = 'The spec requires the connection to be failed cleanly here';
    } else if (this.remoteCloseCode !== null && !ec.closeCode.includes(this.remoteCloseCode)) {
      this.behaviorClose = 'WRONG CODE';
      this.resultClose = `The close code should have been ${ec.closeCode.join(',')} or empty`;
    } else if (!this.isServer && this.droppedByMe) {
      this.behaviorClose = 'FAILED BY CLIENT';
      this.resultClose = 'It is preferred that the server close the TCP connection';
    } else {
      this.behaviorClose = 'OK';
      this.resultClose = 'Connection was properly closed';
    }
    if (ec.closedByWrongEndpointIsFatal && ec.closedByMe !== this.closedByMe) this.behavior = 'FAILED';
    this.def.onConnectionLost?.(this);
    if (this.unimplemented && this.violations.length === 0) {
      this.behavior = 'UNIMPLEMENTED';
      this.result = 'The peer did not offer what this case needs; the case was skipped';
    }
    if (this.violations.length > 0) {
      this.behavior = 'FAILED';
      this.result = `Protocol violation by the peer: ${this.violations.join('; ')}`;
    }
    this.resolve(this.report());
  }

  private report(): CaseResult {
    const { behavior, behaviorClose } = this;
    let status: Status = 'OK';
    if (behavior === 'INFORMATIONAL' || behavior === 'UNIMPLEMENTED') status = behavior;
    else if (behavior === 'FAILED' || behaviorClose === 'FAILED' || behaviorClose === 'UNCLEAN') status = 'FAILED';
    else if (behavior === 'NON-STRICT' || behaviorClose === 'WRONG CODE' || behaviorClose === 'FAILED BY CLIENT')
      status = 'NON-STRICT';
    return {
      id: this.def.id,
      description: this.def.description,
      expectation: this.def.expectation,
      status,
      behavior,
      behaviorClose,
      result: this.result,
      resultClose: this.resultClose,
      expected: Object.fromEntries(Object.entries(this.expected).map(([k, v]) => [k, v!.map(showEvent)])),
      expectedClose: this.expectedClose,
      received: this.received.map(showEvent),
      closedByMe: this.closedByMe,
      droppedByMe: this.droppedByMe,
      wasClean: this.wasClean,
      remoteCloseCode: this.remoteCloseCode,
      localCloseCode: this.localCloseCode,
      violations: this.violations,
      durationMs: Math.round(performance.now() - this.started),
    };
  }
}
