/**
 * `npm run bench:calls`: the per-call cost of each codec call for a small event's state, in
 * Node and in headless Chromium (Debian's), side by side, in microseconds per call.
 *
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.js';
import { servePage } from '../browser/serve.js';
import { measureCalls } from './calls.js';

const here = dirname(fileURLToPath(import.meta.url));
const inNode = await measureCalls();
const served = await servePage(join(here, 'page.ts'));
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
let inChromium: Record<string, number>;
try {
  const page = await browser.newPage();
  await page.goto(served.url);
  inChromium = await page.evaluate(
    async () => await (window as unknown as { calls: Promise<Record<string, number>> }).calls,
  );
} finally {
  await browser.close();
  served.close();
}
console.log(
  `per call, µs (median of 15 rounds of 2,000 calls): node ${process.version}, chromium ${browser.version()}`,
);
console.log(`${'call'.padEnd(28)}${'node'.padStart(8)}${'chromium'.padStart(10)}`);
for (const [name, micros] of Object.entries(inNode)) {
  const other = inChromium[name] ?? Number.NaN;
  console.log(`${name.padEnd(28)}${micros.toFixed(1).padStart(8)}${other.toFixed(1).padStart(10)}`);
}
