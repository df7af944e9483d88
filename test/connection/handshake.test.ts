/**
 * Connection's built-in opening handshake (RFC 6455 §4): a client and a server connection against each other,
 * frames in the same chunk as the 101 response, bad requests and responses, a transport that ends early.
 * Both backends.
 */
import { describe, expect, it } from 'vitest';
import { Connection, ConnectionPhase, ConnectionState, type ConnectionEvent } from '../../src/index.js';
import { BACKENDS, concat, utf8 } from '../helpers.js';

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);
const types = (events: ConnectionEvent[]): string[] => events.map((e) => e.type);

for (const backend of BACKENDS) {
  describe(`Connection handshake (${backend})`, () => {
    /** Move bytes both ways until neither side has anything to send. */
    function pump(a: Connection, b: Connection): { a: ConnectionEvent[]; b: ConnectionEvent[] } {
      const events = { a: [] as ConnectionEvent[], b: [] as ConnectionEvent[] };
      for (let round = 0; round < 10; round++) {
        const fromA = concat(a.bytesToSend());
        const fromB = concat(b.bytesToSend());
        if (fromA.length === 0 && fromB.length === 0) break;
        if (fromA.length) events.b.push(...b.receive(fromA));
        if (fromB.length) events.a.push(...a.receive(fromB));
      }
      return events;
    }

    it('opens a client and a server connection against each other and negotiates a subprotocol', () => {
      const client = new Connection({
        role: 'client',
        backend,
        handshake: { host: 'localhost', path: '/chat?x=1', protocols: ['v2', 'v1'] },
      });
      const server = new Connection({ role: 'server', backend, handshake: { protocols: ['v1', 'v2'] } });
      expect(client.state).toBe(ConnectionState.CONNECTING);
      expect(client.phase).toBe(ConnectionPhase.CONNECTING);
      expect(() => client.send('too early')).toThrow();
      const { a, b } = pump(client, server);
      expect(a).toEqual([expect.objectContaining({ type: 'open', protocol: 'v2', extensions: [] })]);
      expect(b).toEqual([expect.objectContaining({ type: 'open', protocol: 'v2', target: '/chat?x=1' })]);
      expect([client.state, server.state, client.protocol, server.protocol]).toEqual(['OPEN', 'OPEN', 'v2', 'v2']);
      client.send('hi');
      server.send(new Uint8Array([1]));
      const after = pump(client, server);
      expect(after.b).toEqual([{ type: 'text', data: 'hi' }]);
      expect(after.a).toEqual([{ type: 'binary', data: new Uint8Array([1]) }]);
      client.close(1000);
      const closing = pump(client, server);
      expect(closing.b).toEqual([{ type: 'close', code: 1000, reason: '' }]);
      expect(closing.a).toEqual([{ type: 'close', code: 1000, reason: '' }]);
      expect([client.state, server.state]).toEqual(['CLOSED', 'CLOSED']);
    });

    it('delivers frames that arrive in the same chunk as the 101 response, byte by byte too', () => {
      const client = new Connection({ role: 'client', backend, handshake: { host: 'h' } });
      const request = ascii(concat(client.bytesToSend()));
      const key = /Sec-WebSocket-Key: (\S+)/.exec(request)![1]!;
      const server = new Connection({ role: 'server', backend, handshake: {} });
      server.receive(Uint8Array.from(request, (ch) => ch.charCodeAt(0)));
      server.send('first');
      const bytes = concat(server.bytesToSend());
      expect(ascii(bytes)).toContain(`\r\n\r\n\x81\x05first`);
      expect(key).toMatch(/==$/);
      const events = [...bytes].flatMap((byte) => client.receive(new Uint8Array([byte])));
      expect(types(events)).toEqual(['open', 'text']);
    });

    it('answers a bad request with its status and closes (server)', () => {
      const server = new Connection({ role: 'server', backend, handshake: { origins: ['https://good.example'] } });
      const request =
        'GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
      const events = server.receive(Uint8Array.from(request, (ch) => ch.charCodeAt(0)));
      expect(events).toEqual([{ type: 'error', error: expect.objectContaining({ status: 426 }) }]);
      expect(server.state).toBe(ConnectionState.CLOSED);
      const response = ascii(concat(server.bytesToSend()));
      expect(response).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
      expect(response).toContain('Sec-WebSocket-Version: 13\r\n');

      const forbidden = new Connection({ role: 'server', backend, handshake: { origins: ['https://good.example'] } });
      forbidden.receive(
        Uint8Array.from(
          request.replace('Version: 8', 'Version: 13').replace('Host: h', 'Host: h\r\nOrigin: https://evil.example'),
          (ch) => ch.charCodeAt(0),
        ),
      );
      expect(ascii(concat(forbidden.bytesToSend()))).toMatch(/^HTTP\/1\.1 403 /);

      const huge = new Connection({ role: 'server', backend, handshake: {} });
      expect(huge.receive(utf8(`GET / HTTP/1.1\r\nX: ${'a'.repeat(20000)}`))).toEqual([
        { type: 'error', error: expect.objectContaining({ status: 431 }) },
      ]);
      expect(ascii(concat(huge.bytesToSend()))).toMatch(/^HTTP\/1\.1 431 /);
    });

    it('fails the client on a bad response (wrong accept, unoffered protocol, not 101)', () => {
      for (const [response, why] of [
        [
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
          /Accept/,
        ],
        ['HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n', /403/],
        ['GET / HTTP/1.1\r\n\r\n', /response/],
      ] as const) {
        const client = new Connection({ role: 'client', backend, handshake: { host: 'h' } });
        client.bytesToSend();
        const events = client.receive(utf8(response));
        expect(types(events)).toEqual(['error']);
        expect((events[0] as { error: Error }).error.message).toMatch(why);
        expect(client.state).toBe(ConnectionState.CLOSED);
        expect(client.bytesToSend()).toEqual([]);
      }
    });

    it('reports an error when the transport ends during the handshake, and close() abandons it', () => {
      const client = new Connection({ role: 'client', backend, handshake: { host: 'h' } });
      expect(types(client.receiveEof())).toEqual(['error']);
      const other = new Connection({ role: 'client', backend, handshake: { host: 'h' } });
      other.close();
      expect(other.state).toBe(ConnectionState.CLOSED);
      expect(other.bytesToSend()).toEqual([]);
    });
  });
}
