/**
 * RFC 6455 numbers. Frozen objects, so `Opcode.Text` reads like the spec and cannot be reassigned.
 */

/** Frame opcodes (RFC 6455 §5.2, §11.8). 3–7 and 11–15 are reserved and rejected with 1002. */
export const Opcode = Object.freeze({
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const);
/** One of the `Opcode` values. */
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

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
  return (
    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}
