// Types for bundle-size.mjs, so test/api/bundle-size.test.ts typechecks.
export interface BundleCase {
  name: string;
  code(from: string): string;
}
export interface BundleRow {
  entry: string;
  case: string;
  /** Minified bytes. */
  bytes: number;
  /** Minified, then gzip -9. */
  gzip: number;
  /** Package files (relative to the package root) that put bytes into the bundle. */
  files: string[];
}
export const CASES: BundleCase[];
export const ENTRIES: string[];
export function measure(entry: string, c: BundleCase): Promise<BundleRow>;
export function measureAll(): Promise<BundleRow[]>;
export function bundleTable(rows: BundleRow[]): string;
