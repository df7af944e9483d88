// Types for run.mjs, so test/runtimes/matrix.test.ts typechecks.
export interface Packed {
  work: string;
  appDir: string;
  tarball: string;
  tarballSize: number;
  unpackedSize: number;
  files: string[];
  wasmSize: number;
  pkgDir: string;
}
export interface Report {
  runtime: string;
  context?: string;
  variant: string;
  backend: string;
  backends: string[];
  passed: number;
  failed: number;
  failures: string[];
  ms: number;
}
export interface Runtime {
  name: string;
  expectVersion: RegExp;
  variants: string[];
  /** Needs a Chromium (find-chromium.mjs); skipped without one unless WSFRAME_REQUIRE_ALL_RUNTIMES=1. */
  browser?: boolean;
  command(variant: string): Promise<[string, string[]]>;
}
export interface VariantResult {
  runtime: string;
  variant: string;
  code: number | null;
  output: string;
  reports: Report[];
}
export const root: string;
export const RUNTIMES: Runtime[];
export function pack(): Promise<Packed>;
export function cleanUp(): void;
export const PACKAGE_CHECKS: Record<string, (packed: Packed) => Promise<string | null>>;
export function runVariant(runtime: Runtime, variant: string, options?: { timeout?: number }): Promise<VariantResult>;
export function problemsOf(runtime: Runtime, result: VariantResult): string[];
export function describeReport(report: Report): string;
export function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]>;
