/**
 * wsframe — a sans-I/O WebSocket (RFC 6455) codec: bytes in, messages out; messages in, bytes out.
 * The hot path runs in WebAssembly (SIMD); a pure-TypeScript backend gives byte-identical results.
 */
export {
  init,
  initSync,
  activeBackend,
  AUTO_WASM_MIN_CHUNK,
  AUTO_WASM_MIN_MASK,
  AUTO_JS_VIEW_MIN,
} from './backend/index.js';
export type { BackendName, BackendOption } from './backend/index.js';
export { Opcode, CloseCode, isValidCloseCode } from './constants.js';
export { WebSocketError } from './errors.js';
export { FrameDecoder, MessageDecoder, DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_FRAGMENTS } from './decoder.js';
export { FrameEncoder, MessageEncoder, SPLIT_THRESHOLD, headerLength } from './encoder.js';
export type { FrameHeader, OutgoingFrame, EncoderOptions, MessageEncoderOptions } from './encoder.js';
export {
  acceptKey,
  generateKey,
  checkUpgradeRequest,
  buildUpgradeResponse,
  buildRejectResponse,
  buildUpgradeRequest,
  verifyUpgradeResponse,
  parseHttpHead,
  parseProtocols,
  parseExtensions,
  formatExtensions,
  selectProtocol,
  HandshakeError,
} from './handshake.js';
export type {
  HeaderInput,
  ExtensionOffer,
  UpgradeRequest,
  ServerHandshakeOptions,
  AcceptedUpgrade,
  RejectedUpgrade,
  ClientHandshakeOptions,
  VerifyOptions,
  HttpHead,
} from './handshake.js';
export { Connection, ConnectionPhase, ConnectionState, Heartbeat } from './connection.js';
export type { ConnectionEvent, ConnectionOptions, HeartbeatOptions } from './connection.js';
export type { Message, Frame, OutgoingMessage, Role, DecoderOptions, MessageDecoderOptions } from './types.js';
export type {
  DeflateParams,
  MessageCodec,
  MessageCompressor,
  MessageDecompressor,
  PerMessageDeflate,
} from './types.js';
export { DecoderStream, EncoderStream, decodeMessages } from './streams.js';
