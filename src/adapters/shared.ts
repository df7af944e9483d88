// What every runtime adapter exports besides its own serve/connect: the connection class, the handler and
// option types, and the error classes a handler meets.
export { WebSocketConnection, WebSocketServer, COALESCE_MAX } from './core.js';
export type {
  BroadcastMessage,
  EndpointOptions,
  PubSub,
  SendData,
  ServerCoreOptions,
  UpgradeInfo,
  WebSocketHandlers,
} from './core.js';
export { ConnectionState } from '../connection.js';
export { WebSocketError } from '../errors.js';
export { HandshakeError } from '../http.js';
