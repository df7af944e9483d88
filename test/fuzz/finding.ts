/** What the fuzz targets report: a Finding (a bug) and counts of the outcomes they reached (coverage). */

/** A crash, hang, contract break or backend disagreement; `kind` groups them in the report. */
export class Finding extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'Finding';
  }
}

/** How often each outcome was reached ("MessageDecoder WS_ERR_INVALID_UTF8", "http 431", …). */
export class Outcomes {
  readonly counts = new Map<string, number>();
  add(outcome: string): void {
    this.counts.set(outcome, (this.counts.get(outcome) ?? 0) + 1);
  }
  merge(other: Iterable<[string, number]>): void {
    for (const [k, n] of other) this.counts.set(k, (this.counts.get(k) ?? 0) + n);
  }
}

/** Hex of the first `max` bytes (the replay command gives the rest). */
export function hexOf(bytes: Uint8Array, max = 512): string {
  let out = '';
  for (let i = 0; i < Math.min(bytes.length, max); i++) out += bytes[i]!.toString(16).padStart(2, '0');
  return bytes.length > max ? `${out}… (${bytes.length - max} more bytes)` : out;
}
