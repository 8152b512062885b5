/**
 * The bench Worker: runs a workload and its raw baseline inside workerd, so no Node-to-workerd
 * round trip is timed. `GET /run?workload=a` answers both result rows, each with `batches` (D1
 * round trips per run) and `msPerBatch` (the median run's time per round trip). The library's
 * runs and the baseline's alternate (one warm-up each, then five timed each, the order swapped
 * every round), so a load that comes and goes weighs on both alike.
 *
 * @module
 */
import type { D1DatabaseLike } from '../../src/d1/index.js';
import { TIMED_RUNS, figure, median, type Result } from '../harness.js';
import { d1Workloads } from './workloads.js';

/** The bench Worker's bindings. */
interface BenchEnv {
  readonly DB: D1DatabaseLike;
}

/** A result row with the D1 round trips per run and the time per round trip. */
interface D1Result extends Result {
  readonly batches: number;
  readonly msPerBatch: number;
}

async function run(env: BenchEnv, name: string | null): Promise<D1Result[]> {
  const pair = d1Workloads(env.DB).filter((w) => w.workload === name);
  if (pair.length === 0) throw new Error(`no workload named ${String(name)}`);
  const figures = pair.map((): number[] => []);
  const times = pair.map((): number[] => []);
  for (let round = -1; round < TIMED_RUNS; round++) {
    const order = round % 2 === 0 ? pair.map((_, k) => k) : pair.map((_, k) => pair.length - 1 - k);
    for (const k of order) {
      const workload = pair[k] as (typeof pair)[number];
      const timed = await workload.prepare();
      const started = performance.now();
      await timed.run();
      const ms = performance.now() - started;
      if (round >= 0) {
        (figures[k] as number[]).push(figure(workload.unit, timed.operations, ms));
        (times[k] as number[]).push(ms);
      }
    }
  }
  return pair.map((w, k) => ({
    workload: w.workload,
    recorder: w.recorder,
    unit: w.unit,
    median: median(figures[k] as number[]),
    runs: figures[k] as number[],
    batches: w.batches,
    msPerBatch: median(times[k] as number[]) / w.batches,
  }));
}

// The Workers runtime requires a default export for the entry.
export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const url = new URL(request.url);
    try {
      if (url.pathname === '/list') {
        return Response.json(
          d1Workloads(env.DB).map((w) => ({
            workload: w.workload,
            recorder: w.recorder,
            description: w.description,
          })),
        );
      }
      return Response.json(await run(env, url.searchParams.get('workload')));
    } catch (error) {
      return Response.json({ error: String(error), stack: (error as Error).stack }, { status: 500 });
    }
  },
};
