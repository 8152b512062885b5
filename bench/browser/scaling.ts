/**
 * The browser benchmark's scaling checks: per-section read time at two log sizes (`d1`, `d3`),
 * and `c2` at several event counts.
 *
 * @module
 */
import { World, type Worlds } from '../../examples/world.js';
import { median, TIMED_RUNS } from '../harness.js';
import { WHAT } from '../workloads/worlds.js';
import { appOver } from './library.js';

/** A scaling figure: the median and every run. */
export interface Scaled {
  readonly workload: string;
  readonly recorder: string;
  readonly unit: 'ms/section' | 'ms/get';
  readonly median: number;
  readonly runs: number[];
}

/** Saves `worlds` Worlds of 100 events, twenty Worlds (2,000 events) per save. */
async function fill(app: Worlds, worlds: number): Promise<void> {
  for (let w = 0; w < worlds; w += 20) {
    const batch = Array.from({ length: 20 }, () => {
      const world = World.create();
      for (let i = 1; i < 100; i++) world.makeItSo(WHAT);
      return world;
    });
    await app.save(...batch);
  }
}

/**
 * Reads the last 20,000 notifications of a log of `total` (200 sections of 100), through
 * `log.section` (`d1`) and through `log.select` with `toDomainEvent` (`d3`).
 *
 * @param total - the log's size, a multiple of 100 and at least 20,000
 * @returns ms per section of each
 */
export async function sectionTimes(total: number): Promise<Scaled[]> {
  const dbName = `scale-${String(total)}-${String(Date.now())}`;
  await fill(await appOver(dbName, 'relaxed'), total / 100);
  const from = total - 20_000 + 1;
  const d1: number[] = [];
  const d3: number[] = [];
  for (let run = -1; run < TIMED_RUNS; run++) {
    const app = await appOver(dbName, 'relaxed');
    let started = performance.now();
    let sections = 0;
    for (let id: string | null = `${String(from)},${String(from + 99)}`; id !== null; sections++) {
      id = (await app.log.section(id)).nextId;
    }
    if (run >= 0) d1.push((performance.now() - started) / sections);
    started = performance.now();
    sections = 0;
    for (let start = from; ; start += 100, sections++) {
      const items = await app.log.select(start, 100);
      if (items.length === 0) break;
      for (const item of items) await app.mapper.toDomainEvent(item);
    }
    if (run >= 0) d3.push((performance.now() - started) / sections);
  }
  const recorder = 'indexeddb-relaxed';
  return [
    { workload: `d1@${String(total)}`, recorder, unit: 'ms/section', median: median(d1), runs: d1 },
    { workload: `d3@${String(total)}`, recorder, unit: 'ms/section', median: median(d3), runs: d3 },
  ];
}

/**
 * Times `repository.get` of a World of `events` events with a snapshot at the last version,
 * and the recorders' reads of it alone (the snapshot's size grows with the World's history,
 * so decoding it does too; the reads should not).
 *
 * @param events - the World's events, a multiple of 1,000
 * @returns ms per get, and ms per pair of reads
 */
export async function snapshotGetTimes(events: number): Promise<Scaled[]> {
  const dbName = `c2-${String(events)}-${String(Date.now())}`;
  const filler = await appOver(dbName, 'relaxed', true);
  const world = World.create();
  for (let v = 2; v <= events; v++) {
    world.makeItSo(WHAT);
    if (v % 1000 === 0) await filler.save(world);
  }
  await filler.save(world);
  await filler.takeSnapshot(world.id);
  const runs: number[] = [];
  const gets = 50;
  for (let run = -1; run < TIMED_RUNS; run++) {
    const app = await appOver(dbName, 'relaxed', true);
    const started = performance.now();
    for (let i = 0; i < gets; i++) {
      if ((await app.repository.get<World>(world.id)).version !== events) throw new Error('bench: bad get');
    }
    if (run >= 0) runs.push((performance.now() - started) / gets);
  }
  // The recorders' part alone: the latest snapshot, then the events after it (none).
  const reads: number[] = [];
  for (let run = -1; run < TIMED_RUNS; run++) {
    const app = await appOver(dbName, 'relaxed', true);
    const snapshots = app.snapshots?.recorder;
    if (snapshots === undefined) throw new Error('bench: snapshotting is off');
    const started = performance.now();
    for (let i = 0; i < gets; i++) {
      const [latest] = await snapshots.selectEvents(world.id, { desc: true, limit: 1 });
      const after = await app.recorder.selectEvents(world.id, { gt: latest?.originatorVersion });
      if (latest?.originatorVersion !== events || after.length !== 0) throw new Error('bench: bad read');
    }
    if (run >= 0) reads.push((performance.now() - started) / gets);
  }
  const recorder = 'indexeddb-relaxed';
  return [
    { workload: `c2@${String(events)}`, recorder, unit: 'ms/get', median: median(runs), runs },
    { workload: `c2-reads@${String(events)}`, recorder, unit: 'ms/get', median: median(reads), runs: reads },
  ];
}
