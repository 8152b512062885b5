/**
 * The browser benchmark's library workloads: the core workloads over `indexedDb(...)` at one
 * durability. Each run gets a fresh application (and, for writes, a fresh database) whose
 * connection is opened before the timer starts.
 *
 * @module
 */
import { World, type Worlds } from '../../examples/world.js';
import { indexedDb } from '../../src/indexeddb/index.js';
import type { Timed, Workload } from '../harness.js';
import {
  benchApp,
  decodeThroughSelect,
  fillOneWorld,
  fillWorlds,
  readThroughSections,
  WHAT,
} from '../workloads/worlds.js';
import { COUNTS, type Durability } from './counts.js';

let current: Worlds | undefined;
let serial = 0;
const filled = new Map<string, string>();

/**
 * Makes a fresh application over a database, closing the previous run's, and opens its
 * connection (outside the timer).
 *
 * @param dbName - the database
 * @param durability - the write durability
 * @param snapshotting - whether to keep snapshots
 * @returns the application
 */
export async function appOver(dbName: string, durability: Durability, snapshotting = false): Promise<Worlds> {
  await current?.close();
  current = benchApp({ persistence: indexedDb({ dbName, durability }), snapshotting });
  await current.recorder.maxNotificationId();
  if (snapshotting) await current.snapshots?.recorder.selectEvents('warm-up', { limit: 1 });
  return current;
}

/**
 * Returns a database filled once per key, outside any timer.
 *
 * @param key - the fill's name
 * @param durability - the write durability
 * @param fill - fills it through an application
 * @returns the database's name
 */
export async function prefilled(
  key: string,
  durability: Durability,
  fill: (app: Worlds) => Promise<void>,
): Promise<string> {
  let dbName = filled.get(key);
  if (dbName === undefined) {
    dbName = `lib-${key}-${String(Date.now())}`;
    await fill(await appOver(dbName, durability, true));
    filled.set(key, dbName);
  }
  return dbName;
}

/**
 * Returns the database the read workloads of a kind read, filled once through the library
 * (relaxed: the durability of a fill does not change what is read). The raw baselines read
 * the same database, so both read exactly the same records.
 *
 * @param kind - `'one-world'` (one World of the `c` count, with a snapshot at its last
 *   version) or `'worlds'` (the `d` Worlds of 100 events)
 * @returns the database's name
 */
export function readDatabase(kind: 'one-world' | 'worlds'): Promise<string> {
  return prefilled(kind, 'relaxed', async (app) => {
    if (kind === 'worlds') {
      await fillWorlds(app, COUNTS.dWorlds, 100);
    } else {
      await app.takeSnapshot(await fillOneWorld(app, COUNTS.c, 100));
    }
  });
}

function freshDb(): string {
  serial += 1;
  return `lib-${String(serial)}-${String(Date.now())}`;
}

/**
 * The library workloads at one durability.
 *
 * @param durability - the write durability
 * @returns the workloads, recorder `indexeddb-<durability>`
 */
export function libraryWorkloads(durability: Durability): Workload[] {
  const recorder = `indexeddb-${durability}`;
  const worldId = async (app: Worlds): Promise<string> => {
    const [first] = await app.log.select(1, 1);
    return first?.originatorId ?? '';
  };
  const getWorld = (workload: 'c1' | 'c2', gets: number): Workload => ({
    workload,
    recorder,
    unit: 'ms/get',
    description: `repository.get of a World of ${String(COUNTS.c)} events${workload === 'c2' ? ', snapshot at the last' : ''}`,
    async prepare(): Promise<Timed> {
      const dbName = await readDatabase('one-world');
      const app = await appOver(dbName, durability, workload === 'c2');
      const id = await worldId(app);
      return {
        operations: gets,
        async run() {
          for (let i = 0; i < gets; i++) {
            const world = await app.repository.get<World>(id);
            if (world.version !== COUNTS.c) throw new Error('bench: wrong version');
          }
        },
      };
    },
  });
  return [
    {
      workload: 'a',
      recorder,
      unit: 'events/s',
      description: `${String(COUNTS.a)} x (create a World, save it)`,
      async prepare(): Promise<Timed> {
        const app = await appOver(freshDb(), durability);
        return {
          operations: COUNTS.a,
          async run() {
            for (let i = 0; i < COUNTS.a; i++) await app.save(World.create());
          },
        };
      },
    },
    {
      workload: 'b',
      recorder,
      unit: 'saves/s',
      description: `one World; ${String(COUNTS.b)} x (makeItSo, save)`,
      async prepare(): Promise<Timed> {
        const app = await appOver(freshDb(), durability);
        const world = World.create();
        await app.save(world);
        return {
          operations: COUNTS.b,
          async run() {
            for (let i = 0; i < COUNTS.b; i++) {
              world.makeItSo(WHAT);
              await app.save(world);
            }
          },
        };
      },
    },
    getWorld('c1', COUNTS.c1Gets),
    getWorld('c2', COUNTS.c2Gets),
    {
      workload: 'd1',
      recorder,
      unit: 'notifications/s',
      description: `${String(COUNTS.dWorlds * 100)} notifications through log.section, following nextId`,
      async prepare(): Promise<Timed> {
        const app = await appOver(await readDatabase('worlds'), durability);
        return {
          operations: COUNTS.dWorlds * 100,
          async run() {
            const read = await readThroughSections(app, '1,100');
            if (read !== COUNTS.dWorlds * 100) throw new Error('bench: short read');
          },
        };
      },
    },
    {
      workload: 'd3',
      recorder,
      unit: 'notifications/s',
      description: `${String(COUNTS.dWorlds * 100)} notifications through log.select, each toDomainEvent`,
      async prepare(): Promise<Timed> {
        const app = await appOver(await readDatabase('worlds'), durability);
        return {
          operations: COUNTS.dWorlds * 100,
          async run() {
            const read = await decodeThroughSelect(app);
            if (read !== COUNTS.dWorlds * 100) throw new Error('bench: short read');
          },
        };
      },
    },
    {
      workload: 'e',
      recorder,
      unit: 'events/s',
      description: `${String(COUNTS.eSaves)} x (create 100 Worlds, save them in one call)`,
      async prepare(): Promise<Timed> {
        const app = await appOver(freshDb(), durability);
        return {
          operations: COUNTS.eSaves * 100,
          async run() {
            for (let i = 0; i < COUNTS.eSaves; i++) {
              const batch = Array.from({ length: 100 }, () => World.create());
              await app.save(...batch);
            }
          },
        };
      },
    },
  ];
}
