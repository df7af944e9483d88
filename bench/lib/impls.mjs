// Decoder adapters with one shape: make(role, kind) returns { push(chunk), count() }.
//
// Masked input: ws unmasks the caller's buffer in place, so feeding it the same bytes twice would feed it
// garbage. Every adapter therefore copies each chunk into a preallocated scratch buffer before pushing —
// the same memcpy for every implementation (wsframe does not need it: it never writes to its input).
import { MessageDecoder, initSync } from '../../dist/index.js';
import { require, wsFlavour } from './harness.mjs';

initSync();
const { Receiver } = require('ws');
const Hybi = require('websocket-driver/lib/websocket/driver/hybi');

const noop = () => {};

export function wsframe(backend, textAs = 'string', inPlace = false) {
  return (role) => {
    const decoder = new MessageDecoder({ role, backend, textAs, inPlace, maxMessageSize: 1 << 30 });
    let n = 0;
    return {
      push(chunk) {
        n += decoder.push(chunk).length;
      },
      count: () => n,
    };
  };
}

/** ws's Receiver, as its WebSocket drives it (synchronous `_write`). `asString` mimics `data.toString()`. */
export function ws(asString = false) {
  return (role) => {
    const receiver = new Receiver({ isServer: role === 'server', maxPayload: 0, skipUTF8Validation: false });
    let n = 0;
    receiver.on('message', (data, isBinary) => {
      if (asString && !isBinary) data.toString();
      n++;
    });
    receiver.on('ping', () => n++);
    receiver.on('error', (e) => {
      throw e;
    });
    return {
      push(chunk) {
        receiver._write(chunk, 'buffer', noop);
      },
      count: () => n,
    };
  };
}

/** websocket-driver's hybi parser, driven directly (no handshake; readyState forced open). */
export function websocketDriver() {
  return (role) => {
    const driver = new Hybi(null, 'ws://bench/', { requireMasking: role === 'server', maxLength: 1 << 30 });
    driver.readyState = 1;
    driver._extensions.generateResponse(''); // builds the (empty) extension pipeline, as a handshake would
    let n = 0;
    driver.on('message', () => n++);
    driver.on('ping', () => n++);
    driver.on('error', (e) => {
      throw e;
    });
    driver._write = noop;
    return {
      push(chunk) {
        driver.parse(chunk);
      },
      count: () => n,
    };
  };
}

export function wsLabel(suffix = '') {
  return wsFlavour() + suffix;
}
