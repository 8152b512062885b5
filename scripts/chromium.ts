/**
 * The project's Chromium: Debian's build (no Playwright download) and the flags it needs on a
 * machine with no network but the package registries. Shared by the browser tests, the demo's
 * end-to-end test and the browser benchmark.
 *
 * @module
 */

/** The Chromium executable (`CHROMIUM_PATH` overrides Debian's). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for headless runs here: no sandbox as root, no GPU, no background network traffic. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
