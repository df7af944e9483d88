/**
 * RFC 6455 numbers, named. The public ones are frozen objects, so `Opcode.Text` reads like the spec and cannot
 * be reassigned; the header bits are plain constants. The numbers the backends share (opcodes, header bits,
 * length markers) come from the contract, assembly/layout.ts, translated with their literal types.
 */
import {
  B1_LENGTH,
  B1_MASK,
  F_FIN,
  F_OPCODE,
  F_RSV1,
  F_RSV2,
  F_RSV3,
  LENGTH_16,
  LENGTH_64,
  OP_BINARY,
  OP_CLOSE,
  OP_CONTINUATION,
  OP_CONTROL,
  OP_PING,
  OP_PONG,
  OP_TEXT,
  MAX_CONTROL_PAYLOAD as MAX_CONTROL,
} from './portable/layout.js';

/** Frame opcodes (RFC 6455 §5.2, §11.8). 3–7 and 11–15 are reserved and rejected with 1002. */
export const Opcode = Object.freeze({
  Continuation: OP_CONTINUATION,
  Text: OP_TEXT,
  Binary: OP_BINARY,
  Close: OP_CLOSE,
  Ping: OP_PING,
  Pong: OP_PONG,
} as const);
/** One of the `Opcode` values. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** Whether `opcode` is one RFC 6455 defines (§5.2): 0–2 (data) or 8–10 (control). The rest are reserved. */
export function isDefinedOpcode(opcode: number): boolean {
  return (
    (opcode >= Opcode.Continuation && opcode <= Opcode.Binary) || (opcode >= Opcode.Close && opcode <= Opcode.Pong)
  );
}

/** Whether `opcode` is a control frame's: its most significant bit is set (RFC 6455 §5.5). */
export function isControlOpcode(opcode: number): boolean {
  return (opcode & OP_CONTROL) !== 0;
}

// The bits of a frame header's first two bytes (RFC 6455 §5.2), named as in wsproto:
//   byte 0: FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)      byte 1: MASK | payload length (7 bits)
// Plain constants rather than a frozen object: they are read per frame on the encoder's hot path.
/** Byte 0: the last frame of its message. */
export const FIN_MASK = F_FIN;
/** Byte 0: reserved for an extension (permessage-deflate uses it, RFC 7692). */
export const RSV1_MASK = F_RSV1;
/** Byte 0: reserved for an extension. */
export const RSV2_MASK = F_RSV2;
/** Byte 0: reserved for an extension. */
export const RSV3_MASK = F_RSV3;
/** Byte 0: the opcode. */
export const OPCODE_MASK = F_OPCODE;
/** Byte 1: the payload is masked (every client frame, no server frame: §5.1). */
export const MASK_MASK = B1_MASK;
/** Byte 1: the 7-bit payload length, or one of the two markers below. */
export const PAYLOAD_LENGTH_MASK = B1_LENGTH;
/** 7-bit length marker: a 16-bit length follows (payloads of 126..65535 bytes). */
export const PAYLOAD_LENGTH_16 = LENGTH_16;
/** 7-bit length marker: a 64-bit length follows (payloads of 65536 bytes and more; its MSB must be 0). */
export const PAYLOAD_LENGTH_64 = LENGTH_64;
/** Largest payload a 7-bit length holds, and the limit for a control frame's payload (§5.5). */
export const MAX_CONTROL_PAYLOAD = MAX_CONTROL;
/** Largest close reason in UTF-8 bytes: a control payload less the 2-byte close code (§5.5.1). */
export const MAX_CLOSE_REASON = MAX_CONTROL_PAYLOAD - 2;

/** Close status codes (RFC 6455 §7.4.1, IANA registry §11.7). */
export const CloseCode = Object.freeze({
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** Reserved: "no status received". Never sent on the wire (RFC 6455 §7.4.1). */
  NoStatus: 1005,
  /** Reserved: "abnormal closure" (no close frame). Never sent on the wire (RFC 6455 §7.4.1). */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
} as const);
/** One of the `CloseCode` values. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether `code` may appear in a close frame on the wire (RFC 6455 §7.4.1–§7.4.2):
 * 1000–1003 and 1007–1014 are defined/registered; 1004 is reserved, 1005/1006/1015 must never be sent;
 * 1016–2999 are reserved for future protocol use; 3000–4999 belong to libraries and applications.
 * Everything else (0–999, ≥ 5000) is invalid. Matches `ws` and Autobahn 7.7 / 7.9.
 */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}
