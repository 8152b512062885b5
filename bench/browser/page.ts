/**
 * The browser benchmark page: exposes the workloads to the driver (`run.ts`) as
 * `globalThis.bench`, which calls them one at a time through Playwright.
 *
 * @module
 */
import { figure, median, TIMED_RUNS, type Result, type Workload } from '../harness.js';
import { libraryWorkloads } from './library.js';
import { rawWorkloads } from './raw.js';
import { sectionTimes, snapshotGetTimes, type Scaled } from './scaling.js';

const workloads: Workload[] = [];
for (const durability of ['strict', 'relaxed'] as const) {
  workloads.push(...libraryWorkloads(durability), ...rawWorkloads(durability));
}

/** What the page offers the driver. */
export interface BenchPage {
  list(): { workload: string; recorder: string; description: string }[];
  run(workload: string, recorders: string[]): Promise<Result[]>;
  sections(total: number): Promise<Scaled[]>;
  snapshotGets(events: number): Promise<Scaled[]>;
}

/**
 * Measures one workload on several recorders, interleaved: a warm-up of each, then each timed
 * run of each in turn, so a change in the machine's load reaches all of them alike.
 */
async function interleaved(specs: readonly Workload[]): Promise<Result[]> {
  const figures = specs.map((): number[] => []);
  for (let round = -1; round < TIMED_RUNS; round++) {
    for (const [i, spec] of specs.entries()) {
      const timed = await spec.prepare();
      const started = performance.now();
      await timed.run();
      const ms = performance.now() - started;
      if (round >= 0) figures[i]?.push(figure(spec.unit, timed.operations, ms));
    }
  }
  return specs.map((spec, i) => ({
    workload: spec.workload,
    recorder: spec.recorder,
    unit: spec.unit,
    median: median(figures[i] ?? []),
    runs: figures[i] ?? [],
  }));
}

const page: BenchPage = {
  list: () => workloads.map(({ workload, recorder, description }) => ({ workload, recorder, description })),
  async run(workload, recorders) {
    const specs = recorders.map((recorder) => {
      const spec = workloads.find((w) => w.workload === workload && w.recorder === recorder);
      if (spec === undefined) throw new Error(`bench: no workload ${workload} for ${recorder}`);
      return spec;
    });
    return interleaved(specs);
  },
  sections: sectionTimes,
  snapshotGets: snapshotGetTimes,
};

(globalThis as { bench?: BenchPage }).bench = page;
document.body.dataset.ready = 'true';
