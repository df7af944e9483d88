// The messages the permessage-deflate benches compress (bench/deflate.bench.mjs, bench/compressed-echo.bench.mjs
// and the e2e bench's compressed cases, bench/e2e/compressed.mjs): trade-like JSON from a fixed seed (~100 B
// trades, ~1 KiB depth updates, 16 KiB and 64 KiB arrays of trades) and the Autobahn corpora
// (test/fixtures/autobahn/) in 4 KiB slices, as Autobahn 12.x.5 sends them. Every call starts from the same
// seed, so every bench compresses the same bytes.
import { readFileSync } from 'node:fs';

const KiB = 1024;

/**
 * The data sets, each { id, name, type, messages: Buffer[], avg }. `quick` shortens the JSON pools (the
 * corpora keep theirs). `type`: how the e2e bench sends them — the JSON as text, the corpora as binary (one
 * 4 KiB slice of pg2229.txt cuts a UTF-8 sequence in two).
 */
export function deflateData({ quick = false } = {}) {
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const price = () => (43000 + random() * 500).toFixed(2);
  const qty = () => (random() * 2).toFixed(4);
  let tradeId = 3_000_000_000;
  let time = 1_700_000_000_000;
  const trade = () => ({
    e: 'trade',
    E: (time += 1 + Math.floor(random() * 20)),
    s: 'BTCUSDT',
    t: tradeId++,
    p: price(),
    q: qty(),
    T: time - 1,
    m: random() < 0.5,
    M: true,
  });
  const depth = () => {
    const levels = () => Array.from({ length: 12 }, () => [price(), qty()]);
    return {
      e: 'depthUpdate',
      E: (time += 100),
      s: 'BTCUSDT',
      U: tradeId,
      u: (tradeId += 40),
      b: levels(),
      a: levels(),
    };
  };
  /** Trades until the array's JSON is `bytes` long or longer (its length kept as it grows: `[a,b,…]`). */
  const trades = (bytes) => {
    const list = [];
    let length = 2;
    while (length < bytes) {
      const next = trade();
      length += JSON.stringify(next).length + (list.length > 0 ? 1 : 0);
      list.push(next);
    }
    return list;
  };
  const utf8 = (s) => Buffer.from(s, 'utf8');
  const corpus = (name) => readFileSync(new URL(`../../test/fixtures/autobahn/${name}`, import.meta.url));
  /** Autobahn's way: the next LEN bytes of the corpus, wrapping around. */
  const slices = (data, len, count) =>
    Array.from({ length: count }, (_, i) => {
      const start = (i * len) % data.length;
      const end = start + len;
      return end <= data.length
        ? data.subarray(start, end)
        : Buffer.concat([data.subarray(start), data.subarray(0, end - data.length)]);
    });
  const json = (id, name, messages) => ({ id, name, type: 'text', messages });
  const sliced = (id, file, count) => ({
    id,
    name: `autobahn ${file} 4 KiB`,
    type: 'binary',
    messages: slices(corpus(file), 4 * KiB, count),
  });
  const data = [
    json(
      'trade',
      'json ~100 B (trade)',
      Array.from({ length: quick ? 500 : 2000 }, () => utf8(JSON.stringify(trade()))),
    ),
    json(
      'depth',
      'json ~1 KiB (depth)',
      Array.from({ length: quick ? 100 : 300 }, () => utf8(JSON.stringify(depth()))),
    ),
    json(
      'json16k',
      'json 16 KiB',
      Array.from({ length: quick ? 8 : 24 }, () => utf8(JSON.stringify(trades(16 * KiB)))),
    ),
    json(
      'json64k',
      'json 64 KiB',
      Array.from({ length: quick ? 4 : 8 }, () => utf8(JSON.stringify(trades(64 * KiB)))),
    ),
    sliced('data1.json', 'data1.json', 48),
    sliced('data1.html', 'data1.html', 64),
    sliced('pg2229.txt', 'pg2229.txt', 54),
  ];
  for (const d of data) d.avg = d.messages.reduce((n, m) => n + m.length, 0) / d.messages.length;
  return data;
}
