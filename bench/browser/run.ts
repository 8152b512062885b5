/**
 * `npm run bench:browser`: bundles the benchmark page, serves it on 127.0.0.1, opens it in
 * headless Chromium on a persistent profile in a new on-disk directory (so IndexedDB commits
 * reach the disk, as in a user's browser), runs every workload on the library and on raw `idb`
 * at both durabilities, then the scaling checks; prints a table and writes
 * `bench/results/latest-browser.json`.
 *
 * Usage: `npm run bench:browser [-- [--out FILE] [WORKLOAD ...]]`; with workload names, only
 * those run (no scaling checks) and nothing is written unless `--out` is given.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.js';
import { formatFigure, timesBetter, type Result, type Unit } from '../harness.js';
import { SCALED } from './counts.js';
import type { BenchPage } from './page.js';
import type { Scaled } from './scaling.js';
import { servePage } from './serve.js';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const names = outIndex === -1 ? args : args.filter((_, i) => i !== outIndex && i !== outIndex + 1);
const out =
  outIndex === -1
    ? names.length === 0
      ? join(here, '..', 'results', 'latest-browser.json')
      : undefined
    : args[outIndex + 1];

const served = await servePage(join(here, 'page.ts'));

const profile = mkdtempSync(join(tmpdir(), 'eventsourcing-bench-browser-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: [...CHROMIUM_ARGS],
});
const started = performance.now();
const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const results: (Result | Scaled)[] = [];
let runtime = '';
let onDisk = 0;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => {
    console.error(`[pageerror] ${error.message}`);
  });
  await page.goto(served.url);
  await page.waitForSelector('body[data-ready="true"]', { state: 'attached', timeout: 15_000 });
  const version = context.browser()?.version() ?? (await page.evaluate(() => navigator.userAgent));
  const load = loadavg()[0] ?? 0;
  runtime = `chromium ${version} headless, persistent on-disk profile, ${process.platform} ${process.arch}, load average ${load.toFixed(1)} at start`;
  console.log(
    `eventsourcing browser benchmarks on IndexedDB (${runtime}): 1 warm-up + 5 timed runs, medians`,
  );

  const list = await page.evaluate(() => (globalThis as unknown as { bench: BenchPage }).bench.list());
  const chosen = names.length === 0 ? list : list.filter((w) => names.includes(w.workload));
  if (chosen.length === 0) throw new Error(`bench:browser: no workload named ${names.join(', ')}`);
  // The rows of a workload run interleaved, so they share the machine's conditions.
  const order = ['a', 'b', 'c1', 'c2', 'd1', 'd3', 'e'];
  const workloads = order.filter((name) => chosen.some((w) => w.workload === name));
  for (const workload of workloads) {
    const rows = chosen.filter((w) => w.workload === workload);
    const measured = await page.evaluate(
      ([name, recorders]) =>
        (globalThis as unknown as { bench: BenchPage }).bench.run(name as string, recorders as string[]),
      [workload, rows.map((w) => w.recorder)] as const,
    );
    results.push(...measured);
    for (const [i, result] of measured.entries()) {
      console.log(
        `  ${workload.padEnd(3)} ${result.recorder.padEnd(18)} ${formatFigure(result.median).padStart(7)} ${result.unit}   ${rows[i]?.description ?? ''} (at ${elapsed()})`,
      );
    }
  }
  if (names.length === 0) {
    for (const total of [20_000, 200_000]) {
      const rows = await page.evaluate(
        (n) => (globalThis as unknown as { bench: BenchPage }).bench.sections(n),
        total,
      );
      results.push(...rows);
      for (const r of rows)
        console.log(`  ${r.workload}: ${r.median.toFixed(3)} ${r.unit} (at ${elapsed()})`);
    }
    for (const events of [1_000, 10_000, 50_000]) {
      const rows = await page.evaluate(
        (n) => (globalThis as unknown as { bench: BenchPage }).bench.snapshotGets(n),
        events,
      );
      results.push(...rows);
      for (const r of rows)
        console.log(`  ${r.workload}: ${r.median.toFixed(3)} ${r.unit} (at ${elapsed()})`);
    }
  }
  onDisk = sizeOf(join(profile, 'Default', 'IndexedDB'));
} finally {
  await context.close();
  served.close();
  rmSync(profile, { recursive: true, force: true });
}

const seconds = (performance.now() - started) / 1000;
console.log('');
console.log(table(results));
console.log('');
console.log(
  `IndexedDB on disk in the profile at the end: ${(onDisk / 1e6).toFixed(1)} MB; ${seconds.toFixed(0)} s in all`,
);
console.log(`Scaled counts: ${SCALED.join('; ')}`);
if (out !== undefined) {
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ runtime, scaled: SCALED, results }, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

/** Sums the sizes of the files under a directory. */
function sizeOf(path: string): number {
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    total += entry.isDirectory() ? sizeOf(full) : statSync(full).size;
  }
  return total;
}

/** Lays out the rows with each library row's cost against raw idb at the same durability. */
function table(rows: readonly (Result | Scaled)[]): string {
  const lines: string[][] = [['workload', 'recorder', 'median', 'unit', 'runs', 'vs raw idb']];
  for (const r of rows) {
    const raw = rows.find(
      (x) =>
        x.workload === r.workload && x.recorder === r.recorder.replace('indexeddb-', 'raw-idb-') && x !== r,
    );
    const ratio =
      raw === undefined || r.recorder.startsWith('raw')
        ? ''
        : `${timesBetter(r.unit as Unit, raw.median, r.median).toFixed(2)}x slower`;
    lines.push([
      r.workload,
      r.recorder,
      formatFigure(r.median),
      r.unit,
      `${formatFigure(Math.min(...r.runs))}..${formatFigure(Math.max(...r.runs))}`,
      ratio,
    ]);
  }
  const widths = (lines[0] as string[]).map((_, i) => Math.max(...lines.map((l) => (l[i] ?? '').length)));
  return lines
    .map((l) =>
      l
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
