/**
 * The core workloads of `npm run bench` (issue 2), over the memory recorder, beside the bare
 * loops they are compared with. The factories take an application config, so codec workloads
 * (`a-zlib`, `d3-zlib-aes`, ...) are the same workloads under another name and config.
 *
 * @module
 */
import type { ApplicationConfig, EventStore } from '../../src/index.js';
import { World } from '../../examples/world.js';
import type { Timed, Workload } from '../harness.js';
import { rawDecode, rawInserts, rawSnapshotGet, tunedInserts } from './raw.js';
import {
  benchApp,
  decodeThroughSelect,
  fillOneWorld,
  fillWorlds,
  readThroughSections,
  WHAT,
} from './worlds.js';

/** Events (or saves, or notifications) per run of the workloads that count them. */
const N = 10_000;

/**
 * `a`: 10,000 × (create a World, save it).
 *
 * @param workload - the workload's name
 * @param config - the application's config
 * @param python - the Python original's figure
 * @returns the workload
 */
export function createAndSave(workload = 'a', config: ApplicationConfig = {}, python?: number): Workload {
  return {
    workload,
    recorder: 'memory',
    unit: 'events/s',
    description: '10,000 x (create a World, save it)',
    ...(python === undefined ? {} : { python }),
    async prepare(): Promise<Timed> {
      const app = benchApp(config);
      return {
        operations: N,
        async run() {
          for (let i = 0; i < N; i++) await app.save(World.create());
        },
      };
    },
  };
}

/**
 * `b`: one World; 10,000 × (`makeItSo`, save), keeping the instance.
 *
 * @returns the workload
 */
export function triggerAndSave(): Workload {
  return {
    workload: 'b',
    recorder: 'memory',
    unit: 'saves/s',
    description: 'one World; 10,000 x (makeItSo, save), keeping the instance',
    python: 75_000,
    async prepare(): Promise<Timed> {
      const app = benchApp();
      const world = World.create();
      await app.save(world);
      return {
        operations: N,
        async run() {
          for (let i = 0; i < N; i++) {
            world.makeItSo(WHAT);
            await app.save(world);
          }
        },
      };
    },
  };
}

/**
 * `c1` and `c2`: `repository.get` of a World with 10,000 events saved 100 per save, without a
 * snapshot or with one at version 10,000. Each run gets it `gets` times; the unit is ms per get.
 *
 * @param snapshot - whether to take the snapshot
 * @returns the workload
 */
export function getWorld(snapshot: boolean): Workload {
  const gets = snapshot ? SNAPSHOT_GETS : 10;
  return {
    workload: snapshot ? 'c2' : 'c1',
    recorder: 'memory',
    unit: 'ms/get',
    description: snapshot
      ? 'repository.get of a World of 10,000 events, snapshot at version 10,000'
      : 'repository.get of a World of 10,000 events (saved 100 per save), no snapshot',
    python: snapshot ? 0.84 : 63,
    async prepare(): Promise<Timed> {
      const app = benchApp({ snapshotting: snapshot });
      const id = await fillOneWorld(app, N, 100);
      if (snapshot) await app.takeSnapshot(id);
      return {
        operations: gets,
        async run() {
          for (let i = 0; i < gets; i++) {
            const world = await app.repository.get<World>(id);
            if (world.version !== N) throw new Error(`bench: got version ${String(world.version)}`);
          }
        },
      };
    },
  };
}

/** Gets per run of `c2` and of its bare loop. */
const SNAPSHOT_GETS = 500;

/**
 * The stored state of `c2`'s snapshot, for its bare loop: the bytes the library stores for a
 * World of 10,000 events saved 100 per save, with a snapshot at version 10,000.
 *
 * @returns the snapshot's state
 */
async function storedSnapshotState(): Promise<Uint8Array> {
  const app = benchApp({ snapshotting: true });
  const id = await fillOneWorld(app, N, 100);
  await app.takeSnapshot(id);
  const [snapshot] = await (app.snapshots as EventStore).recorder.selectEvents(id, { desc: true, limit: 1 });
  if (snapshot?.originatorVersion !== N) throw new Error('bench: no snapshot at version 10,000');
  return snapshot.state;
}

/**
 * `d1`: 200 Worlds × 100 events, one save per World; every notification read through
 * `log.section` in sections of 100, following `nextId`.
 *
 * @returns the workload
 */
export function readSections(): Workload {
  return {
    workload: 'd1',
    recorder: 'memory',
    unit: 'notifications/s',
    description: 'read 200 Worlds x 100 events through log.section, following nextId',
    python: 960_000,
    async prepare(): Promise<Timed> {
      const app = benchApp();
      await fillWorlds(app, 200, 100);
      return {
        operations: 200 * 100,
        async run() {
          const read = await readThroughSections(app, '1,100');
          if (read !== 200 * 100) throw new Error(`bench: read ${String(read)} notifications`);
        },
      };
    },
  };
}

/**
 * `d3`: the same read with `log.select(start, 100)`, decoding each notification with
 * `mapper.toDomainEvent` (or, with `batch`, each selection with `mapper.toDomainEvents`).
 *
 * @param workload - the workload's name
 * @param config - the application's config
 * @param options - `batch` to decode a selection at once; `python`, the original's figure
 * @returns the workload
 */
export function selectAndDecode(
  workload = 'd3',
  config: ApplicationConfig = {},
  options: { readonly batch?: boolean; readonly python?: number; readonly baseline?: string } = {},
): Workload {
  const { batch = false, python, baseline } = options;
  return {
    workload,
    ...(baseline === undefined ? {} : { baseline }),
    recorder: 'memory',
    unit: 'notifications/s',
    description: `read 200 Worlds x 100 events with log.select(start, 100) and ${batch ? 'toDomainEvents' : 'toDomainEvent'}`,
    ...(python === undefined ? {} : { python }),
    async prepare(): Promise<Timed> {
      const app = benchApp(config);
      await fillWorlds(app, 200, 100);
      return {
        operations: 200 * 100,
        async run() {
          const read = await decodeThroughSelect(app, batch);
          if (read !== 200 * 100) throw new Error(`bench: decoded ${String(read)} notifications`);
        },
      };
    },
  };
}

/**
 * `e`: 100 × (create 100 Worlds, save them in one call).
 *
 * @returns the workload
 */
export function createManyAndSave(): Workload {
  return {
    workload: 'e',
    recorder: 'memory',
    unit: 'events/s',
    description: '100 x (create 100 Worlds, save them in one call)',
    python: 51_000,
    async prepare(): Promise<Timed> {
      const app = benchApp();
      return {
        operations: 100 * 100,
        async run() {
          for (let i = 0; i < 100; i++) {
            const worlds = new Array<World>(100);
            for (let w = 0; w < 100; w++) worlds[w] = World.create();
            await app.save(...worlds);
          }
        },
      };
    },
  };
}

/** The core workloads, in the order they run and print. */
export const coreWorkloads: readonly Workload[] = [
  createAndSave('a', {}, 42_800),
  rawInserts('a'),
  tunedInserts('a', 42_800),
  triggerAndSave(),
  tunedInserts('b', 75_000),
  getWorld(false),
  getWorld(true),
  rawSnapshotGet(storedSnapshotState, SNAPSHOT_GETS),
  readSections(),
  selectAndDecode('d3', {}, { python: 213_000 }),
  selectAndDecode('d3-batch', {}, { batch: true, baseline: 'd3' }),
  rawDecode('d3'),
  createManyAndSave(),
];
