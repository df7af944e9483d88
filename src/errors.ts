/**
 * Every protocol violation the decoders detect, as a stable string code plus the close code the endpoint
 * should send (RFC 6455 §7.4.1). Names follow `ws` where `ws` has one (see README "Errors").
 */
import type { Message } from './types.js';

/** Numeric status written by the parsers (both backends) into a frame record; 0 = no error. */
export const Status = {
  Ok: 0,
  UnexpectedRsv1: 1,
  UnexpectedRsv23: 2,
  InvalidOpcode: 3,
  UnexpectedContinuation: 4,
  ExpectedContinuation: 5,
  ExpectedFin: 6,
  InvalidControlPayloadLength: 7,
  ExpectedMask: 8,
  UnexpectedMask: 9,
  NonMinimalLength: 10,
  InvalidPayloadLength: 11,
  UnsupportedDataPayloadLength: 12,
  FrameTooLarge: 13,
  MessageTooLarge: 14,
  TooManyFragments: 15,
  InvalidUtf8: 16,
  InvalidCloseCode: 17,
  UnexpectedEof: 18,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

interface ErrorInfo {
  code: string;
  closeCode: number;
  message: string;
}

const INFO: readonly ErrorInfo[] = [
  { code: 'WS_ERR_OK', closeCode: 1000, message: 'no error' },
  { code: 'WS_ERR_UNEXPECTED_RSV_1', closeCode: 1002, message: 'RSV1 must be clear' },
  { code: 'WS_ERR_UNEXPECTED_RSV_2_3', closeCode: 1002, message: 'RSV2 and RSV3 must be clear' },
  { code: 'WS_ERR_INVALID_OPCODE', closeCode: 1002, message: 'reserved opcode' },
  { code: 'WS_ERR_UNEXPECTED_CONTINUATION', closeCode: 1002, message: 'continuation frame without a message to continue' },
  { code: 'WS_ERR_EXPECTED_CONTINUATION', closeCode: 1002, message: 'new data frame while a fragmented message is open' },
  { code: 'WS_ERR_EXPECTED_FIN', closeCode: 1002, message: 'control frames must not be fragmented' },
  { code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', closeCode: 1002, message: 'invalid control frame payload length' },
  { code: 'WS_ERR_EXPECTED_MASK', closeCode: 1002, message: 'client frames must be masked' },
  { code: 'WS_ERR_UNEXPECTED_MASK', closeCode: 1002, message: 'server frames must not be masked' },
  { code: 'WS_ERR_NON_MINIMAL_LENGTH', closeCode: 1002, message: 'payload length not minimally encoded' },
  { code: 'WS_ERR_INVALID_PAYLOAD_LENGTH', closeCode: 1002, message: 'most significant bit of a 64-bit payload length must be 0' },
  { code: 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', closeCode: 1009, message: 'payload length above 2^53 - 1' },
  { code: 'WS_ERR_FRAME_TOO_LARGE', closeCode: 1009, message: 'frame payload exceeds maxFrameSize' },
  { code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', closeCode: 1009, message: 'message exceeds maxMessageSize' },
  { code: 'WS_ERR_TOO_MANY_FRAGMENTS', closeCode: 1008, message: 'message exceeds maxFragments' },
  { code: 'WS_ERR_INVALID_UTF8', closeCode: 1007, message: 'invalid UTF-8' },
  { code: 'WS_ERR_INVALID_CLOSE_CODE', closeCode: 1002, message: 'invalid close code' },
  { code: 'WS_ERR_UNEXPECTED_EOF', closeCode: 1006, message: 'stream ended inside a frame or message' },
];

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
    const info = INFO[status] ?? INFO[Status.InvalidOpcode]!;
    const text = `Invalid WebSocket frame: ${info.message}${detail ? ` (${detail})` : ''}`;
    return new WebSocketError(info.code, info.closeCode, text, messages);
  }
}

/** @internal all codes, for documentation and tests */
export const ERROR_TABLE: readonly ErrorInfo[] = INFO.slice(1);
export type { Message };
