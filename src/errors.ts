/**
 * Every protocol violation the decoders detect, as a stable string code plus the close code the endpoint
 * should send (RFC 6455 §7.4.1). Names follow `ws` where `ws` has one (see README "Errors"). The statuses the
 * backends write into frame records, and the error each raises, are defined once in assembly/layout.ts.
 */
import { STATUS_ERRORS, ST_INVALID_OPCODE } from './portable/layout.js';
import type { Message } from './types.js';

/**
 * A protocol violation. `code` is stable (`WS_ERR_*`), `closeCode` is what to send in the close frame
 * (1002 protocol error, 1007 invalid payload, 1008 policy, 1009 too big; 1006 for a truncated stream,
 * which is never sent on the wire). `messages` holds everything the failing `push` decoded before the
 * violation, in order, so nothing is lost.
 *
 * `M` is what the decoder that threw it delivers: MessageDecoder throws `WebSocketError<Message>`,
 * FrameDecoder `WebSocketError<Frame>`. `instanceof WebSocketError` cannot know which (it narrows `messages`
 * to `any[]`); `decoder.isError(e)` narrows to the decoder's own type.
 *
 * @example
 * try {
 *   messages = decoder.push(chunk);
 * } catch (e) {
 *   if (!decoder.isError(e)) throw e;
 *   handle(e.messages); // Message[]: what the chunk completed before the violation
 *   for (const bytes of encoder.close(e.closeCode === 1006 ? 1002 : e.closeCode)) socket.write(bytes);
 * }
 */
export class WebSocketError<M = unknown> extends Error {
  /**
   * Which rule was broken, as a stable string (`WS_ERR_UNEXPECTED_RSV_1`, `WS_ERR_INVALID_UTF8`, ...; the table
   * in the README's "Errors"). Names follow `ws` where `ws` has one. Branch on this, not on `message`.
   */
  readonly code: string;
  /**
   * The close code to send in the close frame that fails the connection (RFC 6455 §7.1.7, §7.4.1): 1002
   * (protocol error), 1007 (invalid UTF-8), 1008 (too many fragments) or 1009 (too big). 1006 (the input ended
   * inside a frame or message, from `end()`) is never sent on the wire (§7.4.1): just close the transport.
   */
  readonly closeCode: number;
  /**
   * What the failing `push` completed before the violation, in wire order: `Message`s from MessageDecoder,
   * `Frame`s from FrameDecoder; empty from `end()`. Deliver them before handling the error. A failed decoder
   * rethrows the same error object from later calls: its messages have been seen already.
   */
  messages: M[];

  constructor(code: string, closeCode: number, message: string, messages: M[] = []) {
    super(message);
    this.name = 'WebSocketError';
    this.code = code;
    this.closeCode = closeCode;
    this.messages = messages;
  }

  /** @internal */
  static fromStatus<M>(status: number, detail?: string, messages: M[] = []): WebSocketError<M> {
    const info = STATUS_ERRORS[status] ?? STATUS_ERRORS[ST_INVALID_OPCODE]!;
    const text = `Invalid WebSocket frame: ${info.message}${detail ? ` (${detail})` : ''}`;
    return new WebSocketError(info.code, info.closeCode, text, messages);
  }
}

/** @internal all codes, for documentation and tests */
export const ERROR_TABLE: typeof STATUS_ERRORS = STATUS_ERRORS.slice(1);
export type { Message };
