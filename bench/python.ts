/**
 * The bare Python loops of `bench/python/bare_loops.py`, run from `npm run bench` so that the
 * library is compared with Python on the same machine in the same run. The Python original
 * cannot be installed here; these loops do the least it must do per event (its JSON, zlib and
 * PyCryptodome calls, with no library around them), so the original is no faster than they are.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { formatFigure, timesBetter, type Result } from './harness.js';

/** Debian's Python, which has PyCryptodome (`python3-pycryptodome`), as in the interop tests. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('python/bare_loops.py', import.meta.url));

/** The workloads the Python script measures. */
export const PYTHON_WORKLOADS: readonly string[] = ['a', 'a-zlib-aes', 'c2', 'd3', 'd3-zlib-aes'];

/**
 * Runs the bare Python loops.
 *
 * @param runs - timed runs of each, after one warm-up
 * @returns their result rows (recorder `python-bare`), or why they could not run
 */
export function runPythonBareLoops(runs: number): Result[] | string {
  const run = spawnSync(PYTHON, [SCRIPT, String(runs)], { encoding: 'utf8', timeout: 600_000 });
  if (run.error !== undefined) return `${PYTHON} did not run: ${run.error.message}`;
  if (run.status !== 0) return `${PYTHON} failed: ${run.stderr.trim().split('\n').pop() ?? ''}`;
  return (JSON.parse(run.stdout) as { results: Result[] }).results;
}

/**
 * Formats the comparison of the library's rows with the bare Python loops.
 *
 * @param python - the Python rows
 * @param results - the run's other rows
 * @returns the lines of the table
 */
export function pythonTable(python: readonly Result[], results: readonly Result[]): string[] {
  const lines = ['workload     python-bare  library  library speed vs python-bare'];
  for (const p of python) {
    const library = results.find((r) => r.workload === p.workload && r.recorder === 'memory');
    const ratio = library === undefined ? '' : `${timesBetter(p.unit, library.median, p.median).toFixed(2)}x`;
    const mine = library === undefined ? '' : formatFigure(library.median);
    lines.push(`${p.workload.padEnd(13)}${formatFigure(p.median).padEnd(13)}${mine.padEnd(9)}${ratio}`);
  }
  return lines;
}
