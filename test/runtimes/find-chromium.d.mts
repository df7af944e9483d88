// Types for find-chromium.mjs (used by test/interop/, test/deflate/interop.test.ts and test/runtimes/matrix.test.ts).
export const CHROMIUM_ARGS: string[];
export function findChromium(env?: Record<string, string | undefined>): { path: string | null; tried: string[] };
export function requireAllRuntimes(env?: Record<string, string | undefined>): boolean;
export function missingChromiumLine(what: string, tried: string[]): string;
export function requiredChromiumMessage(what: string, tried: string[]): string;
export function chromiumOrSkip(
  what: string,
  skip: (note: string) => never,
  env?: Record<string, string | undefined>,
): string;
