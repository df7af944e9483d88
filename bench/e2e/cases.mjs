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
 * id: for --cases= and results; short: chart label; label: for tables. kind 'echo' and 'broadcast' measure
 * messages verified per second (loadgen.mjs runCase), 'idle' the server's memory per connection (runIdle).
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
];

/** The case with this id. */
export const caseById = (id) => CASES.find((c) => c.id === id);
