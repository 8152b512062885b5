/**
 * The benchmark harness: one warm-up and five timed runs per workload, the median reported,
 * results in the shape of `bench/results/latest.json`, and a plain-text table. It uses only
 * `performance.now()`, so browser and Workers benchmarks can reuse it as it is.
 *
 * @module
 */

/** What a workload's median means: a rate (higher is better) or a time (lower is better). */
export type Unit = 'events/s' | 'saves/s' | 'notifications/s' | 'ms/get';

/** One prepared run of a workload: the work inside the timer, and how many operations it does. */
export interface Timed {
  /** The number of operations (events, saves, notifications, gets) done by {@link Timed.run}. */
  readonly operations: number;
  /** The measured work: everything a workload names, and nothing else. */
  run(): Promise<void>;
}

/**
 * A benchmark workload. `prepare` builds a fresh application (or bare store) and any data the
 * run reads, outside the timer; the returned {@link Timed.run} is the timed part.
 */
export interface Workload {
  /** The workload's name, such as `a` or `d3-zlib`. */
  readonly workload: string;
  /** `memory` for the library over its memory recorder, `raw-memory` for a bare loop, ... */
  readonly recorder: string;
  /** The unit of the reported median. */
  readonly unit: Unit;
  /** One line on what is measured. */
  readonly description: string;
  /** The Python original's figure in the same unit, when there is one. */
  readonly python?: number;
  /** The workload whose `raw-memory` row this one is compared with (by default its own). */
  readonly baseline?: string;
  /**
   * Builds a fresh run.
   *
   * @returns the timed part
   */
  prepare(): Promise<Timed>;
}

/** One result row, as written to `latest.json`. */
export interface Result {
  /** The workload's name. */
  readonly workload: string;
  /** The recorder (or bare loop) measured. */
  readonly recorder: string;
  /** The unit of `median` and `runs`. */
  readonly unit: Unit;
  /** The median of the timed runs. */
  readonly median: number;
  /** Every timed run, in order. */
  readonly runs: readonly number[];
}

/** The document written to `bench/results/latest.json`. */
export interface ResultsDocument {
  /** The runtime measured, such as `node v20.19.0 linux x64`. */
  readonly runtime: string;
  /** One row per workload and recorder. */
  readonly results: readonly Result[];
}

/** The number of timed runs per workload (after one warm-up). */
export const TIMED_RUNS = 5;

/**
 * Returns the median of some numbers.
 *
 * @param values - the numbers (at least one)
 * @returns the middle value, or the mean of the two middle values
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid] as number;
  return ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Converts a run's elapsed time to the workload's unit.
 *
 * @param unit - the unit
 * @param operations - operations done in the run
 * @param ms - elapsed milliseconds
 * @returns the figure: operations per second, or milliseconds per operation
 */
export function figure(unit: Unit, operations: number, ms: number): number {
  return unit === 'ms/get' ? ms / operations : (operations * 1000) / ms;
}

/**
 * Tells whether a larger figure is better in a unit.
 *
 * @param unit - the unit
 * @returns true for rates, false for times
 */
export function higherIsBetter(unit: Unit): boolean {
  return unit !== 'ms/get';
}

/**
 * Runs a workload: one untimed warm-up run, then {@link TIMED_RUNS} timed runs, each on a
 * freshly prepared application. No garbage collection is forced between runs: in V8 a forced
 * full collection discards the optimised code of everything the last run touched ("weak
 * objects" deoptimisations), so each run would measure the engine warming up again.
 *
 * @param workload - the workload
 * @param runs - the number of timed runs
 * @returns its result row
 */
export async function measure(workload: Workload, runs = TIMED_RUNS): Promise<Result> {
  const figures: number[] = [];
  for (let i = -1; i < runs; i++) {
    const timed = await workload.prepare();
    const started = performance.now();
    await timed.run();
    const ms = performance.now() - started;
    if (i >= 0) figures.push(figure(workload.unit, timed.operations, ms));
  }
  return {
    workload: workload.workload,
    recorder: workload.recorder,
    unit: workload.unit,
    median: median(figures),
    runs: figures,
  };
}

/**
 * Runs workloads that are compared with each other (a library workload and its bare loop)
 * interleaved: every warm-up first, then round after round of one timed run of each (every
 * other round in reverse order), so that
 * a change in the machine's load between runs reaches all of them alike. Each workload still
 * gets one warm-up and {@link TIMED_RUNS} timed runs, each on a freshly prepared application.
 *
 * @param workloads - the workloads of one comparison
 * @param runs - the number of timed runs of each
 * @returns a result row per workload, in the order given
 */
export async function measureInterleaved(
  workloads: readonly Workload[],
  runs = TIMED_RUNS,
): Promise<Result[]> {
  const figures = workloads.map((): number[] => []);
  for (let i = -1; i < runs; i++) {
    // Every other round in reverse order: with no forced collection between runs, a run pays
    // for some of the garbage of the run before it, so each workload follows each other alike.
    for (let k = 0; k < workloads.length; k++) {
      const w = i % 2 === 0 ? k : workloads.length - 1 - k;
      const workload = workloads[w] as Workload;
      const timed = await workload.prepare();
      const started = performance.now();
      await timed.run();
      const ms = performance.now() - started;
      if (i >= 0) figures[w]?.push(figure(workload.unit, timed.operations, ms));
    }
  }
  return workloads.map((workload, w) => {
    const runsOf = figures[w] ?? [];
    return {
      workload: workload.workload,
      recorder: workload.recorder,
      unit: workload.unit,
      median: median(runsOf),
      runs: runsOf,
    };
  });
}

/**
 * Formats a figure compactly: `42.8k`, `1.23M`, `0.84`.
 *
 * @param value - the figure
 * @returns the text
 */
export function formatFigure(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 100) return value.toFixed(0);
  if (value >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * How many times better `a` is than `b` in a unit (above 1: `a` is better).
 *
 * @param unit - the unit of both figures
 * @param a - a figure
 * @param b - the figure compared with
 * @returns the ratio
 */
export function timesBetter(unit: Unit, a: number, b: number): number {
  return higherIsBetter(unit) ? a / b : b / a;
}

/**
 * Lays out results as a table: each library row with its median, the spread of its runs, its
 * time against the same-run bare loop of its workload (`raw-memory`; 1.50x: the library takes
 * half as long again), and its speed against the Python original (3.0x: three times as fast).
 *
 * @param results - the results
 * @param workloads - the workloads measured (for Python figures)
 * @returns the table, one string per line
 */
export function table(results: readonly Result[], workloads: readonly Workload[]): string[] {
  const rows: string[][] = [
    ['workload', 'recorder', 'median', 'unit', 'runs', 'time vs bare', 'speed vs Python'],
  ];
  for (const r of results) {
    const spec = workloads.find((w) => w.workload === r.workload && w.recorder === r.recorder);
    const baseline = spec?.baseline ?? r.workload;
    const bare = results.find((b) => b.workload === baseline && b.recorder === 'raw-memory' && b !== r);
    const python = spec?.python;
    const spread = `${formatFigure(Math.min(...r.runs))}..${formatFigure(Math.max(...r.runs))}`;
    rows.push([
      r.workload,
      r.recorder,
      formatFigure(r.median),
      r.unit,
      spread,
      bare === undefined ? '' : `${timesBetter(r.unit, bare.median, r.median).toFixed(2)}x`,
      python === undefined
        ? ''
        : `${timesBetter(r.unit, r.median, python).toFixed(1)}x (${formatFigure(python)})`,
    ]);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
}
