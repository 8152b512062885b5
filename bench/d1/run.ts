/**
 * `npm run bench:d1`: bundles the bench Worker, runs it in workerd with Miniflare over a D1
 * database kept in local SQLite files (as `wrangler dev` keeps it), runs every workload beside
 * its raw baseline, prints a table and writes `bench/results/latest-d1.json`.
 *
 * Usage: `npm run bench:d1 [-- [--out FILE] [WORKLOAD ...]]`; with workload names, only those
 * run and nothing is written unless `--out` is given.
 *
 * @module
 */
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { formatFigure, timesBetter, type Result, type Unit } from '../harness.js';

interface D1Result extends Result {
  readonly batches: number;
  readonly msPerBatch: number;
}

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex === -1 ? undefined : args[outIndex + 1];
const names = outIndex === -1 ? args : args.filter((_, i) => i !== outIndex && i !== outIndex + 1);

const bundle = await build({
  entryPoints: [join(here, 'worker.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  conditions: ['workerd', 'worker', 'browser'],
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const script = bundle.outputFiles[0]?.text ?? '';
const persist = mkdtempSync(join(tmpdir(), 'eventsourcing-bench-d1-'));
const compatibilityDate = '2025-09-01';
const mf = new Miniflare({
  modules: true,
  script,
  compatibilityDate,
  d1Databases: { DB: 'bench' },
  d1Persist: persist,
});

// The machine's load when the run starts: the figures are only as quiet as the machine.
const loadAtStart = loadavg()[0] ?? 0;
const started = performance.now();
const results: D1Result[] = [];
try {
  const list = (await (await mf.dispatchFetch('http://bench/list')).json()) as {
    workload: string;
    recorder: string;
    description: string;
  }[];
  const chosen = names.length === 0 ? list : list.filter((w) => names.includes(w.workload));
  if (chosen.length === 0) throw new Error(`bench:d1: no workload named ${names.join(', ')}`);
  console.log(
    'eventsourcing D1 benchmarks inside workerd (Miniflare, local SQLite files): 1 warm-up + 5 timed runs, library and raw alternating, medians; load average ' +
      loadAtStart.toFixed(1),
  );
  for (const workload of [...new Set(chosen.map((w) => w.workload))]) {
    const response = await mf.dispatchFetch(`http://bench/run?workload=${encodeURIComponent(workload)}`);
    const body = (await response.json()) as D1Result[] | { error: string; stack?: string };
    if (!Array.isArray(body)) throw new Error(`bench:d1: ${workload}: ${body.error}\n${body.stack ?? ''}`);
    for (const r of body) {
      results.push(r);
      const description = list.find(
        (w) => w.workload === r.workload && w.recorder === r.recorder,
      )?.description;
      console.log(`  ${r.workload} ${r.recorder}: ${String(description)}`);
    }
  }
} finally {
  await mf.dispose();
  rmSync(persist, { recursive: true, force: true });
}

const rows: string[][] = [['workload', 'recorder', 'median', 'unit', 'ms/batch', 'runs', 'time vs raw']];
for (const r of results) {
  const raw =
    r.recorder === 'raw-d1'
      ? undefined
      : results.find((b) => b.workload === r.workload && b.recorder === 'raw-d1');
  rows.push([
    r.workload,
    r.recorder,
    formatFigure(r.median),
    r.unit,
    r.msPerBatch.toFixed(3),
    `${formatFigure(Math.min(...r.runs))}..${formatFigure(Math.max(...r.runs))}`,
    raw === undefined ? '' : `${timesBetter(r.unit as Unit, raw.median, r.median).toFixed(2)}x`,
  ]);
}
const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
console.log('');
for (const row of rows)
  console.log(
    row
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
const section = (w: string) => results.find((r) => r.workload === w && r.recorder === 'd1')?.msPerBatch;
const [small, large] = [section('d1'), section('d1-200k')];
if (small !== undefined && large !== undefined) {
  console.log(
    `\nd1 per section of 100: ${small.toFixed(3)} ms at 20,000 notifications, ${large.toFixed(3)} ms at 200,000 (${(large / small).toFixed(2)}x)`,
  );
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);

const file = out ?? (names.length === 0 ? join(here, '..', 'results', 'latest-d1.json') : undefined);
if (file !== undefined) {
  const runtime = `workerd via miniflare ${(createRequire(import.meta.url)('miniflare/package.json') as { version: string }).version}, local SQLite files; node ${process.version} ${process.platform} ${process.arch}, ${String(cpus().length)} cpus, load average ${loadAtStart.toFixed(1)} at start`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify({ runtime, results }, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
