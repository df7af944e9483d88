// Where the browser runs (runtime matrix, interop, bench/runtimes.mjs) find Chromium. In order:
//   1. $CHROMIUM_PATH;
//   2. /usr/bin/chromium (Debian's package), then chromium, chromium-browser, google-chrome, google-chrome-stable
//      on $PATH;
//   3. a Playwright download: $PLAYWRIGHT_BROWSERS_PATH or ~/.cache/ms-playwright, chromium-<revision>/, newest
//      revision first.
// WSFRAME_CHROMIUM_SEARCH=none skips 2 and 3 (only $CHROMIUM_PATH counts), so the "no browser" path can be
// tried on a machine that has one. Without a browser the browser runs are skipped with one line saying so,
// unless WSFRAME_REQUIRE_ALL_RUNTIMES=1 (CI sets it), which makes the missing browser a failure.
import { accessSync, constants, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Flags for a headless Chromium on a machine without network: no sandbox (root), no calls home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
/** Inside ms-playwright/chromium-<revision>/: Chrome for Testing builds, then the older Chromium builds. */
const PLAYWRIGHT_LAYOUTS = [
  ['chrome-linux64', 'chrome'],
  ['chrome-linux', 'chrome'],
];

const executable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

function playwrightCandidates(env) {
  const base =
    env.PLAYWRIGHT_BROWSERS_PATH && env.PLAYWRIGHT_BROWSERS_PATH !== '0'
      ? env.PLAYWRIGHT_BROWSERS_PATH
      : join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'ms-playwright');
  let dirs = [];
  try {
    dirs = readdirSync(base).filter((d) => /^chromium-\d+$/.test(d));
  } catch {
    return { where: `${base}/chromium-*`, paths: [] };
  }
  dirs.sort((a, b) => Number(b.slice(9)) - Number(a.slice(9)));
  const paths = dirs.flatMap((d) => PLAYWRIGHT_LAYOUTS.map((layout) => join(base, d, ...layout)));
  return { where: `${base}/chromium-*`, paths };
}

/**
 * The Chromium to launch: `{ path }`, or `{ path: null }` when there is none. `tried` says where it looked, in
 * order, for the line that reports a skip.
 */
export function findChromium(env = process.env) {
  const tried = [];
  if (env.CHROMIUM_PATH) {
    if (executable(env.CHROMIUM_PATH)) return { path: env.CHROMIUM_PATH, tried };
    tried.push(`CHROMIUM_PATH=${env.CHROMIUM_PATH} (not an executable)`);
  }
  if (env.WSFRAME_CHROMIUM_SEARCH === 'none') {
    tried.push('no other place (WSFRAME_CHROMIUM_SEARCH=none)');
    return { path: null, tried };
  }
  const dirs = ['/usr/bin', ...(env.PATH ?? '').split(delimiter).filter((d) => d && d !== '/usr/bin')];
  for (const name of NAMES) {
    for (const dir of dirs) if (executable(join(dir, name))) return { path: join(dir, name), tried };
  }
  tried.push(`/usr/bin/chromium, ${NAMES.join(', ')} on PATH`);
  const playwright = playwrightCandidates(env);
  const found = playwright.paths.find(executable);
  if (found) return { path: found, tried };
  tried.push(playwright.where);
  return { path: null, tried };
}

/** WSFRAME_REQUIRE_ALL_RUNTIMES=1: a runtime that would be skipped fails instead (CI). */
export function requireAllRuntimes(env = process.env) {
  const v = env.WSFRAME_REQUIRE_ALL_RUNTIMES;
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

const HOW = 'apt-get install chromium, or set CHROMIUM_PATH to a Chrome/Chromium binary';

/** The one line that says what was skipped, why, and how to run it. */
export function missingChromiumLine(what, tried) {
  return (
    `skipped: ${what} — no Chromium found (looked at ${tried.join('; ')}). To run it: ${HOW}. ` +
    'WSFRAME_REQUIRE_ALL_RUNTIMES=1 turns this skip into a failure.'
  );
}

/** The failure when WSFRAME_REQUIRE_ALL_RUNTIMES=1 and there is no browser. */
export function requiredChromiumMessage(what, tried) {
  return `WSFRAME_REQUIRE_ALL_RUNTIMES=1 but no Chromium for ${what} (looked at ${tried.join('; ')}): ${HOW}`;
}

/**
 * The Chromium for `what` (a test), or: with WSFRAME_REQUIRE_ALL_RUNTIMES=1 an Error, else the skip line on the
 * console and `skip(line)` (vitest's `ctx.skip`, which throws; what it returns is returned otherwise).
 */
export function chromiumOrSkip(what, skip, env = process.env) {
  const { path, tried } = findChromium(env);
  if (path) return path;
  const line = missingChromiumLine(what, tried);
  if (requireAllRuntimes(env)) throw new Error(requiredChromiumMessage(what, tried));
  console.log(line);
  return skip(line);
}
