// The e2e bench's cases, in the order they run within a repetition (run.mjs; loadgen.mjs runs them).
const KiB = 1024;
const MiB = 1024 * KiB;
const bytes = (n) => (n >= MiB ? `${n / MiB} MiB` : n >= KiB ? `${n / KiB} KiB` : `${n} B`);
const plural = (n, word) => `${n.toLocaleString('en')} ${word}${n === 1 ? '' : 's'}`;

/** Echo on `/`: `connections` connections, each keeping `window` messages in flight. */
const echo = (id, short, type, size, connections, window) => ({
  id,
  short,
  label: `${bytes(size)} ${type}, ${plural(connections, 'connection')} × ${window} in flight`,
  kind: 'echo',
  type,
  size,
  connections,
  window,
});

/**
 * Compressed echo on `/` (permessage-deflate, compressed.mjs): data set `data` of bench/lib/deflate-data.mjs,
 * every message compressed both ways; `connections` connections, each keeping `window` messages in flight.
 */
const zecho = (id, short, what, data, connections, window) => ({
  id,
  short,
  label: `${what}, compressed, ${plural(connections, 'connection')} × ${window} in flight`,
  kind: 'zecho',
  compressed: true,
  data,
  connections,
  window,
});

/**
 * id: for --cases= and results; short: chart label; label: for tables. kind 'echo' and 'broadcast' measure
 * messages verified per second (loadgen.mjs runCase), 'idle' the server's memory per connection (runIdle);
 * 'zecho' compressed messages verified per second and bytes on the wire, 'zidle' memory per connection with a
 * deflate context (compressed.mjs). The servers of compressed cases run with DEFLATE_THRESHOLD=0 (run.mjs).
 */
export const CASES = [
  echo('text16-c1', '16 B text ×1', 'text', 16, 1, 256),
  echo('text16-c64', '16 B text ×64', 'text', 16, 64, 256),
  echo('bin125-c1', '125 B ×1', 'binary', 125, 1, 256),
  echo('bin125-c64', '125 B ×64', 'binary', 125, 64, 256),
  echo('bin1k-c256', '1 KiB ×256', 'binary', KiB, 256, 4),
  echo('bin16k-c16', '16 KiB ×16', 'binary', 16 * KiB, 16, 4),
  echo('bin1m-c4', '1 MiB ×4', 'binary', MiB, 4, 2),
  { ...echo('pingpong', 'ping-pong', 'text', 16, 1, 1), label: '16 B text ping-pong, 1 connection × 1 in flight' },
  // Deliveries/s: one sender keeps 32 messages in flight until all 1,000 connections (itself included) have them.
  {
    id: 'broadcast',
    short: 'broadcast ×1000',
    label: '125 B binary broadcast to 1,000 connections × 32 in flight (deliveries/s)',
    kind: 'broadcast',
    type: 'binary',
    size: 125,
    connections: 1000,
    window: 32,
  },
  {
    id: 'idle',
    short: 'idle',
    label: '10,000 idle connections: server RSS per connection',
    kind: 'idle',
    connections: 10_000,
  },
  // Sizes the window so that every server is busy without a case taking long; 64 KiB: 2 in flight on 4
  // connections, as the 1 MiB case does.
  zecho('z100-c16', '~125 B JSON, deflate', '~125 B JSON text (trades)', 'trade', 16, 16),
  zecho('z1k-c16', '~620 B JSON, deflate', '~620 B JSON text (depth updates)', 'depth', 16, 8),
  zecho('z16k-c16', '16 KiB JSON, deflate', '16 KiB JSON text', 'json16k', 16, 4),
  zecho('z64k-c4', '64 KiB JSON, deflate', '64 KiB JSON text', 'json64k', 4, 2),
  zecho('zjson-c16', 'data1.json 4 KiB, deflate', 'Autobahn data1.json, 4 KiB binary slices', 'data1.json', 16, 4),
  zecho('zhtml-c16', 'data1.html 4 KiB, deflate', 'Autobahn data1.html, 4 KiB binary slices', 'data1.html', 16, 4),
  zecho('ztxt-c16', 'pg2229.txt 4 KiB, deflate', 'Autobahn pg2229.txt, 4 KiB binary slices', 'pg2229.txt', 16, 4),
  {
    id: 'zidle',
    short: 'idle, deflate',
    label: '1,000 connections idle after 40 compressed ~620 B echoes each: server RSS per connection',
    kind: 'zidle',
    compressed: true,
    connections: 1000,
  },
];

/** The case with this id. */
export const caseById = (id) => CASES.find((c) => c.id === id);
