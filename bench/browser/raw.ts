/**
 * The raw `idb` baselines of the browser benchmark: the same records, in the same stores and
 * keys, in the same number of transactions as the library, with one open connection and no
 * library around it (no application, mapper, repository or recorder).
 *
 * @module
 */
import { openDB, type IDBPDatabase } from 'idb';
import { v4 as uuid4 } from 'uuid';
import type { Timed, Workload } from '../harness.js';
import { WHAT } from '../workloads/worlds.js';
import { COUNTS, type Durability } from './counts.js';
import { readDatabase } from './library.js';

const APP = 'Worlds';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface Row {
  application_name: string;
  originator_id: string;
  originator_version: number;
  topic: string;
  state: Uint8Array;
  notification_id?: number;
}

/** Opens a database with the library's layout, made here by hand. */
async function openRaw(dbName: string): Promise<IDBPDatabase> {
  return openDB(dbName, 1, {
    upgrade(db) {
      const keyPath = ['application_name', 'originator_id', 'originator_version'];
      db.createObjectStore('stored_events', { keyPath }).createIndex(
        'notifications',
        ['application_name', 'notification_id'],
        { unique: true },
      );
      db.createObjectStore('snapshots', { keyPath });
    },
  });
}

function isoDate(date: Date): { _type_: string; _data_: string } {
  return { _type_: 'datetime_iso', _data_: date.toISOString().slice(0, -1) + '+00:00' };
}

function row(originatorId: string, version: number): Row {
  const fields = version === 1 ? { originatorTopic: 'World' } : { what: WHAT };
  return {
    application_name: APP,
    originator_id: originatorId,
    originator_version: version,
    topic: version === 1 ? 'World.Created' : 'World.SomethingHappened',
    state: encoder.encode(JSON.stringify({ timestamp: isoDate(new Date()), ...fields })),
  };
}

/** One save: read the last notification id, add the rows with the next ids, wait for the commit. */
async function save(db: IDBPDatabase, rows: Row[], durability: Durability): Promise<void> {
  const tx = db.transaction('stored_events', 'readwrite', { durability });
  const last = await tx.store
    .index('notifications')
    .openKeyCursor(IDBKeyRange.bound([APP, -Infinity], [APP, Infinity]), 'prev');
  let next = last === null ? 1 : (last.key as [string, number])[1] + 1;
  for (const r of rows) {
    r.notification_id = next++;
    void tx.store.add(r);
  }
  await tx.done;
}

/** Decodes a row as the bare loop of the core benchmark does. */
function decode(r: Row): { what?: string; originatorVersion: number } {
  const fields = JSON.parse(decoder.decode(r.state)) as { timestamp: { _data_: string }; what?: string };
  return {
    ...fields,
    originatorId: r.originator_id,
    originatorVersion: r.originator_version,
    timestamp: new Date(fields.timestamp._data_),
  } as { what?: string; originatorVersion: number };
}

let open: IDBPDatabase | undefined;
let serial = 0;

/** Opens a new database for a run, closing the previous run's connection. */
async function fresh(): Promise<IDBPDatabase> {
  open?.close();
  serial += 1;
  open = await openRaw(`raw-${String(serial)}-${String(Date.now())}`);
  return open;
}

/** Opens the database a library read workload reads (filled once, outside any timer). */
async function sameRecords(kind: 'one-world' | 'worlds'): Promise<IDBPDatabase> {
  open?.close();
  open = await openRaw(await readDatabase(kind));
  return open;
}

/**
 * The raw baselines of the write and read workloads at one durability.
 *
 * @param durability - the durability of the write transactions
 * @returns the workloads, recorder `raw-idb-<durability>`
 */
export function rawWorkloads(durability: Durability): Workload[] {
  const recorder = `raw-idb-${durability}`;
  const worldId = async (db: IDBPDatabase): Promise<string> => {
    const first = (await db.getFromIndex('stored_events', 'notifications', [APP, 1])) as Row;
    return first.originator_id;
  };
  return [
    {
      workload: 'a',
      recorder,
      unit: 'events/s',
      description: `${String(COUNTS.a)} x (make a created row, one transaction each)`,
      async prepare(): Promise<Timed> {
        const db = await fresh();
        return {
          operations: COUNTS.a,
          async run() {
            for (let i = 0; i < COUNTS.a; i++) await save(db, [row(uuid4(), 1)], durability);
          },
        };
      },
    },
    {
      workload: 'b',
      recorder,
      unit: 'saves/s',
      description: `one originator; ${String(COUNTS.b)} x (next row, one transaction each)`,
      async prepare(): Promise<Timed> {
        const db = await fresh();
        const id = uuid4();
        await save(db, [row(id, 1)], durability);
        return {
          operations: COUNTS.b,
          async run() {
            for (let v = 2; v < COUNTS.b + 2; v++) await save(db, [row(id, v)], durability);
          },
        };
      },
    },
    {
      workload: 'c1',
      recorder,
      unit: 'ms/get',
      description: `getAll of ${String(COUNTS.c)} rows by key range, decode and fold`,
      async prepare(): Promise<Timed> {
        const db = await sameRecords('one-world');
        const id = await worldId(db);
        return {
          operations: COUNTS.c1Gets,
          async run() {
            for (let i = 0; i < COUNTS.c1Gets; i++) {
              const rows = (await db.getAll(
                'stored_events',
                IDBKeyRange.bound([APP, id, -Infinity], [APP, id, Infinity]),
              )) as Row[];
              const history: string[] = [];
              for (const r of rows) {
                const e = decode(r);
                if (e.what !== undefined) history.push(e.what);
              }
              if (history.length !== COUNTS.c - 1) throw new Error('bench: short history');
            }
          },
        };
      },
    },
    {
      workload: 'c2',
      recorder,
      unit: 'ms/get',
      description: 'latest snapshot by reverse cursor, decode, then the rows after it',
      async prepare(): Promise<Timed> {
        const db = await sameRecords('one-world');
        const id = await worldId(db);
        return {
          operations: COUNTS.c2Gets,
          async run() {
            for (let i = 0; i < COUNTS.c2Gets; i++) {
              const tx = db.transaction('snapshots');
              const cursor = await tx.store.openCursor(
                IDBKeyRange.bound([APP, id, -Infinity], [APP, id, Infinity]),
                'prev',
              );
              const snapshot = cursor?.value as Row;
              const { state } = JSON.parse(decoder.decode(snapshot.state)) as {
                state: { history: string[] };
              };
              const after = (await db.getAll(
                'stored_events',
                IDBKeyRange.bound([APP, id, snapshot.originator_version], [APP, id, Infinity], true),
              )) as Row[];
              if (state.history.length + after.length !== COUNTS.c - 1) throw new Error('bench: bad get');
            }
          },
        };
      },
    },
    {
      workload: 'd1',
      recorder,
      unit: 'notifications/s',
      description: `${String(COUNTS.dWorlds * 100)} rows read 100 at a time by index key range`,
      async prepare(): Promise<Timed> {
        const db = await sameRecords('worlds');
        return {
          operations: COUNTS.dWorlds * 100,
          async run() {
            let read = 0;
            for (let start = 1; ;) {
              const rows = (await db.getAllFromIndex(
                'stored_events',
                'notifications',
                IDBKeyRange.bound([APP, start], [APP, Infinity]),
                100,
              )) as Row[];
              read += rows.length;
              if (rows.length < 100) break;
              start = (rows[rows.length - 1]?.notification_id ?? 0) + 1;
            }
            if (read !== COUNTS.dWorlds * 100) throw new Error('bench: short read');
          },
        };
      },
    },
    {
      workload: 'd3',
      recorder,
      unit: 'notifications/s',
      description: `${String(COUNTS.dWorlds * 100)} rows read 100 at a time, each decoded`,
      async prepare(): Promise<Timed> {
        const db = await sameRecords('worlds');
        return {
          operations: COUNTS.dWorlds * 100,
          async run() {
            let read = 0;
            for (let start = 1; ; start += 100) {
              const rows = (await db.getAllFromIndex(
                'stored_events',
                'notifications',
                IDBKeyRange.bound([APP, start], [APP, Infinity]),
                100,
              )) as Row[];
              if (rows.length === 0) break;
              for (const r of rows) {
                decode(r);
                read++;
              }
            }
            if (read !== COUNTS.dWorlds * 100) throw new Error('bench: short read');
          },
        };
      },
    },
    {
      workload: 'e',
      recorder,
      unit: 'events/s',
      description: `${String(COUNTS.eSaves)} x (100 created rows in one transaction)`,
      async prepare(): Promise<Timed> {
        const db = await fresh();
        return {
          operations: COUNTS.eSaves * 100,
          async run() {
            for (let i = 0; i < COUNTS.eSaves; i++) {
              await save(
                db,
                Array.from({ length: 100 }, () => row(uuid4(), 1)),
                durability,
              );
            }
          },
        };
      },
    },
  ];
}
