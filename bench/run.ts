/**
 * `npm run bench`: runs the benchmark workloads in Node, prints a table, and writes
 * `bench/results/latest.json`.
 *
 * Usage: `npm run bench [-- [--out FILE] [--runs N] [WORKLOAD ...]]`. With workload names
 * (`a d3`), only those run (library rows and bare loops alike), and with `--runs` (5 by
 * default) each runs N timed runs; then nothing is written unless `--out` is given.
 *
 * The core workloads are in `bench/workloads/core.ts`, the codec ones in
 * `bench/workloads/codecs.ts`. A library workload and the bare loop it is compared with run
 * interleaved, round after round, so that the machine's changing load reaches both alike.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  measureInterleaved,
  table,
  TIMED_RUNS,
  type Result,
  type ResultsDocument,
  type Workload,
} from './harness.js';
import { PYTHON_WORKLOADS, pythonTable, runPythonBareLoops } from './python.js';
import { codecWorkloads } from './workloads/codecs.js';
import { coreWorkloads } from './workloads/core.js';

interface Args {
  readonly names: string[];
  readonly out: string | undefined;
  readonly runs: number;
}

function parseArgs(argv: readonly string[]): Args {
  const names: string[] = [];
  let out: string | undefined;
  let runs = TIMED_RUNS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--out') out = argv[++i];
    else if (arg === '--runs') runs = Number(argv[++i]);
    else names.push(arg);
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('bench: --runs takes a positive integer');
  return { names, out, runs };
}

const here = dirname(fileURLToPath(import.meta.url));
const { names, out, runs } = parseArgs(process.argv.slice(2));
const all = [...coreWorkloads, ...codecWorkloads];
const chosen = names.length === 0 ? all : all.filter((w) => names.includes(w.workload));
if (chosen.length === 0) throw new Error(`bench: no workload named ${names.join(', ')}`);

const runtime = `node ${process.version} ${process.platform} ${process.arch}, ${String(cpus().length)} cpus`;
console.log(`eventsourcing benchmarks, ${runtime}: 1 warm-up + ${String(runs)} timed runs each, medians`);
/** Groups workloads by the bare loop they are compared with, in order of first appearance. */
function comparisons(workloads: readonly Workload[]): Workload[][] {
  const groups = new Map<string, Workload[]>();
  for (const w of workloads) {
    const key = w.baseline ?? w.workload;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [w]);
    else group.push(w);
  }
  return [...groups.values()];
}

const results: Result[] = [];
const ordered: Workload[] = [];
const started = performance.now();
for (const group of comparisons(chosen)) {
  results.push(...(await measureInterleaved(group, runs)));
  for (const workload of group) {
    ordered.push(workload);
    console.log(`  ${workload.workload} ${workload.recorder}: ${workload.description}`);
  }
}
console.log('');
for (const line of table(results, ordered)) console.log(line);
if (chosen.some((w) => PYTHON_WORKLOADS.includes(w.workload))) {
  console.log('\nbare Python loops, same run (bench/python/bare_loops.py: the least the original does):');
  const python = runPythonBareLoops(runs);
  if (typeof python === 'string') {
    console.log(`  not run: ${python}`);
  } else {
    const wanted = python.filter((p) => chosen.some((w) => w.workload === p.workload));
    results.push(...wanted);
    for (const line of pythonTable(wanted, results)) console.log(line);
  }
}
console.log(`\n(${((performance.now() - started) / 1000).toFixed(1)} s)`);

const file =
  out ?? (names.length === 0 && runs === TIMED_RUNS ? join(here, 'results', 'latest.json') : undefined);
if (file !== undefined) {
  const document: ResultsDocument = { runtime, results };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
