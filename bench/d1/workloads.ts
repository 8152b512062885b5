/**
 * The D1 benchmark's workloads, run inside workerd by the bench Worker: the core's workloads on
 * the D1 recorders (`d1`), each beside a raw baseline (`raw-d1`) that sends the same SQL in the
 * same number of batches with no library around it, plus the bare per-event work of the core's
 * `raw-memory` loops (uuid, timestamp, JSON and UTF-8 on writes; UTF-8 and JSON on reads).
 *
 * Counts: `a` and `b` are scaled from 10,000 to 500 saves per run (each save is one D1
 * batch); `c1`, `c2`, `d1`, `d3` and `e` keep the core's data sizes, with `c1` getting its
 * World 5 times and `c2` 50 times per run. `d1-200k` reads the last 20,000 notifications of a
 * 200,000-notification log, for the per-section time at scale.
 *
 * @module
 */
import { v4 as uuid4 } from 'uuid';
import { World, type Worlds } from '../../examples/world.js';
import { d1, d1Schema, type D1DatabaseLike } from '../../src/d1/index.js';
import { pageParams, pageSql } from '../../src/d1/pages.js';
import type { Timed, Workload } from '../harness.js';
import {
  benchApp,
  decodeThroughSelect,
  fillOneWorld,
  fillWorlds,
  readThroughSections,
  SECTION_SIZE,
  WHAT,
} from '../workloads/worlds.js';

/** A workload with the number of D1 round trips (batches or queries) each run makes. */
export interface D1Workload extends Workload {
  /** D1 round trips per timed run. */
  readonly batches: number;
}

/** Saves per run of `a` and `b` (the core's 10,000, scaled down). */
export const SAVES = 500;
/** Events of the World that `c1` and `c2` get. */
const WORLD_EVENTS = 10_000;
/** Rows per read page: the recorder's page. */
const PAGE = 1_000;

/**
 * The recorder's paged SELECT of notifications from an id (bounded by rows and by state
 * bytes), so the raw baseline sends the same SQL, with the same parameters (`pageParams`).
 */
function notificationPageSql(name: string): string {
  return pageSql({
    table: `"${name}_events"`,
    columns: 'notification_id, originator_id, originator_version, topic, state',
    key: 'notification_id',
    where: 'notification_id >= ?',
    desc: false,
  });
}

/**
 * The recorder's paged SELECT of an originator's events (or snapshots), after a version when
 * `after`; its condition's parameters are the id, and the version when `after`.
 */
function eventPageSql(table: string, after: boolean, desc: boolean): string {
  return pageSql({
    table,
    columns: 'originator_version, topic, state',
    key: 'originator_version',
    where: after ? 'originator_id = ? AND originator_version > ?' : 'originator_id = ?',
    desc,
  });
}
/** Rows per INSERT statement: the recorder's split. */
const ROWS_PER_INSERT = 25;

let counter = 0;
/** A fresh application name for a run's own tables. */
function freshName(): string {
  counter += 1;
  return `b${Date.now().toString(36)}${String(counter)}`;
}

/** Creates an application's tables with the exported schema (outside the timer). */
async function createTables(db: D1DatabaseLike, name: string): Promise<void> {
  const statements = d1Schema(name)
    .replace(/^--.*$/gm, '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  await db.batch(statements.map((s) => db.prepare(s)));
}

/** A benchmark application over D1 tables that already exist. */
function app(db: D1DatabaseLike, name: string, snapshotting = false): Worlds {
  return benchApp({ name, persistence: d1({ database: db, createTables: false }), snapshotting });
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function isoDate(date: Date): { _type_: string; _data_: string } {
  return { _type_: 'datetime_iso', _data_: date.toISOString().slice(0, -1) + '+00:00' };
}

function insertSql(name: string, rows: number): string {
  return (
    `INSERT INTO "${name}_events" (originator_id, originator_version, topic, state) VALUES ` +
    Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ') +
    ' RETURNING notification_id'
  );
}

/** The bare decode of a row: bytes, UTF-8, JSON, Date, event object. */
function bareDecode(originatorId: string, version: number, state: unknown): object {
  const fields = JSON.parse(decoder.decode(Uint8Array.from(state as number[]))) as {
    timestamp: { _data_: string };
  };
  return {
    ...fields,
    originatorId,
    originatorVersion: version,
    timestamp: new Date(fields.timestamp._data_),
  };
}

/** Saves `worlds` Worlds of 100 events, `perSave` Worlds per save. */
async function fillManyWorlds(a: Worlds, worlds: number, perSave: number): Promise<string[]> {
  const ids: string[] = [];
  for (let saved = 0; saved < worlds; saved += perSave) {
    const batch: World[] = [];
    for (let w = 0; w < perSave; w++) {
      const world = World.create();
      for (let i = 1; i < 100; i++) world.makeItSo(WHAT);
      batch.push(world);
      ids.push(world.id);
    }
    await a.save(...batch);
  }
  return ids;
}

/** Datasets filled once and read by several runs (reads change nothing). */
const datasets = new Map<string, Promise<{ name: string; ids: string[] }>>();

function dataset(
  db: D1DatabaseLike,
  key: string,
  fill: (app: Worlds) => Promise<string[]>,
  snapshot = false,
) {
  let found = datasets.get(key);
  if (found === undefined) {
    found = (async () => {
      const name = freshName();
      await createTables(db, name);
      const filler = app(db, name, snapshot);
      const ids = await fill(filler);
      if (snapshot) await filler.takeSnapshot(ids[0] as string);
      return { name, ids };
    })();
    datasets.set(key, found);
  }
  return found;
}

/**
 * Returns every workload of the D1 benchmark over a database.
 *
 * @param db - the bench Worker's D1 binding
 * @returns the workloads, library and raw side by side
 */
export function d1Workloads(db: D1DatabaseLike): D1Workload[] {
  const log20k = () => dataset(db, 'log20k', (a) => fillWorlds(a, 200, 100));
  // 2,000 Worlds of 100 events, saved ten Worlds (1,000 events, 40 statements) per batch.
  const log200k = () => dataset(db, 'log200k', (a) => fillManyWorlds(a, 2_000, 10));
  const world = () => dataset(db, 'world', (a) => fillOneWorld(a, WORLD_EVENTS, 100).then((id) => [id]));
  const snapWorld = () =>
    dataset(db, 'snapWorld', (a) => fillOneWorld(a, WORLD_EVENTS, 100).then((id) => [id]), true);

  const readLog = (workload: string, from: number, data: typeof log20k): D1Workload[] => [
    {
      workload,
      recorder: 'd1',
      unit: 'notifications/s',
      batches: 201,
      description: `log.section in sections of 100 from ${String(from)}, following nextId (20,000 notifications)`,
      async prepare(): Promise<Timed> {
        const { name } = await data();
        const a = app(db, name);
        return {
          operations: 20_000,
          async run() {
            const read = await readThroughSections(a, `${String(from)},${String(from + SECTION_SIZE - 1)}`);
            if (read !== 20_000) throw new Error(`bench: read ${String(read)}`);
          },
        };
      },
    },
    {
      workload,
      recorder: 'raw-d1',
      unit: 'notifications/s',
      batches: 201,
      description: 'the same SELECT per section of 100, no library',
      async prepare(): Promise<Timed> {
        const { name } = await data();
        const sql = notificationPageSql(name);
        return {
          operations: 20_000,
          async run() {
            let read = 0;
            for (let start = from; ;) {
              const { results } = await db
                .prepare(sql)
                .bind(...pageParams([start], SECTION_SIZE))
                .all<{ notification_id: number }>();
              read += results.length;
              if (results.length < SECTION_SIZE) break;
              start = (results[results.length - 1] as { notification_id: number }).notification_id + 1;
            }
            if (read !== 20_000) throw new Error(`bench: read ${String(read)}`);
          },
        };
      },
    },
  ];

  return [
    // a: create and save, one World per save.
    {
      workload: 'a',
      recorder: 'd1',
      unit: 'events/s',
      batches: SAVES,
      description: `${String(SAVES)} x (create a World, save it)`,
      async prepare() {
        const name = freshName();
        await createTables(db, name);
        const a = app(db, name);
        return {
          operations: SAVES,
          async run() {
            for (let i = 0; i < SAVES; i++) await a.save(World.create());
          },
        };
      },
    },
    {
      workload: 'a',
      recorder: 'raw-d1',
      unit: 'events/s',
      batches: SAVES,
      description: 'uuid, timestamp, JSON, UTF-8, one-row INSERT batch per event',
      async prepare() {
        const name = freshName();
        await createTables(db, name);
        const sql = insertSql(name, 1);
        return {
          operations: SAVES,
          async run() {
            for (let i = 0; i < SAVES; i++) {
              const state = encoder.encode(
                JSON.stringify({ timestamp: isoDate(new Date()), originatorTopic: 'World' }),
              );
              const [r] = await db.batch<{ notification_id: number }>([
                db.prepare(sql).bind(uuid4(), 1, 'World.Created', state),
              ]);
              if (r?.results[0]?.notification_id === undefined) throw new Error('bench: no id');
            }
          },
        };
      },
    },
    // b: one World, trigger and save, keeping the instance.
    {
      workload: 'b',
      recorder: 'd1',
      unit: 'saves/s',
      batches: SAVES,
      description: `one World; ${String(SAVES)} x (makeItSo, save)`,
      async prepare() {
        const name = freshName();
        await createTables(db, name);
        const a = app(db, name);
        const w = World.create();
        await a.save(w);
        return {
          operations: SAVES,
          async run() {
            for (let i = 0; i < SAVES; i++) {
              w.makeItSo(WHAT);
              await a.save(w);
            }
          },
        };
      },
    },
    {
      workload: 'b',
      recorder: 'raw-d1',
      unit: 'saves/s',
      batches: SAVES,
      description: 'timestamp, JSON, UTF-8, one-row INSERT batch per save',
      async prepare() {
        const name = freshName();
        await createTables(db, name);
        const sql = insertSql(name, 1);
        const id = uuid4();
        return {
          operations: SAVES,
          async run() {
            for (let i = 0; i < SAVES; i++) {
              const state = encoder.encode(JSON.stringify({ timestamp: isoDate(new Date()), what: WHAT }));
              await db.batch([db.prepare(sql).bind(id, i + 2, 'World.SomethingHappened', state)]);
            }
          },
        };
      },
    },
    // c1 and c2: get a World of 10,000 events, without and with a snapshot.
    ...getWorkloads(db, 'c1', world, false),
    ...getWorkloads(db, 'c2', snapWorld, true),
    // d1: read the log in sections; at 20,000 and at the end of 200,000 notifications.
    ...readLog('d1', 1, log20k),
    ...readLog('d1-200k', 180_001, log200k),
    // d3: select and decode each notification.
    {
      workload: 'd3',
      recorder: 'd1',
      unit: 'notifications/s',
      batches: 201,
      description: 'log.select(start, 100) and toDomainEvent per notification (20,000)',
      async prepare() {
        const { name } = await log20k();
        const a = app(db, name);
        return {
          operations: 20_000,
          async run() {
            const read = await decodeThroughSelect(a);
            if (read !== 20_000) throw new Error(`bench: decoded ${String(read)}`);
          },
        };
      },
    },
    {
      workload: 'd3',
      recorder: 'raw-d1',
      unit: 'notifications/s',
      batches: 201,
      description: 'the same SELECT per 100, then bytes, UTF-8, JSON, Date, object per row',
      async prepare() {
        const { name } = await log20k();
        const sql = notificationPageSql(name);
        return {
          operations: 20_000,
          async run() {
            const events: object[] = [];
            for (let start = 1; ; start += 100) {
              const { results } = await db
                .prepare(sql)
                .bind(...pageParams([start], 100))
                .all<{
                  originator_id: string;
                  originator_version: number;
                  state: unknown;
                }>();
              if (results.length === 0) break;
              for (const r of results)
                events.push(bareDecode(r.originator_id, r.originator_version, r.state));
            }
            if (events.length !== 20_000) throw new Error(`bench: decoded ${String(events.length)}`);
          },
        };
      },
    },
    // e: create 100 Worlds and save them in one call, 100 times.
    {
      workload: 'e',
      recorder: 'd1',
      unit: 'events/s',
      batches: 100,
      description: '100 x (create 100 Worlds, save them in one call)',
      async prepare() {
        const name = freshName();
        await createTables(db, name);
        const a = app(db, name);
        return {
          operations: 100 * 100,
          async run() {
            for (let i = 0; i < 100; i++) {
              const worlds = new Array<World>(100);
              for (let w = 0; w < 100; w++) worlds[w] = World.create();
              await a.save(...worlds);
            }
          },
        };
      },
    },
    {
      workload: 'e',
      recorder: 'raw-d1',
      unit: 'events/s',
      batches: 100,
      description: '100 x (100 x uuid, timestamp, JSON, UTF-8; one batch of 4 INSERTs of 25 rows)',
      async prepare() {
        const name = freshName();
        await createTables(db, name);
        const sql = insertSql(name, ROWS_PER_INSERT);
        return {
          operations: 100 * 100,
          async run() {
            for (let i = 0; i < 100; i++) {
              const statements = [];
              for (let s = 0; s < 100 / ROWS_PER_INSERT; s++) {
                const values: unknown[] = [];
                for (let r = 0; r < ROWS_PER_INSERT; r++) {
                  const state = encoder.encode(
                    JSON.stringify({ timestamp: isoDate(new Date()), originatorTopic: 'World' }),
                  );
                  values.push(uuid4(), 1, 'World.Created', state);
                }
                statements.push(db.prepare(sql).bind(...values));
              }
              const results = await db.batch<{ notification_id: number }>(statements);
              if (results.flatMap((r) => r.results).length !== 100) throw new Error('bench: lost ids');
            }
          },
        };
      },
    },
  ];
}

function getWorkloads(
  db: D1DatabaseLike,
  workload: 'c1' | 'c2',
  data: () => Promise<{ name: string; ids: string[] }>,
  snapshot: boolean,
): D1Workload[] {
  const gets = snapshot ? 50 : 5;
  // c1: 10 full pages and one empty one; c2: the snapshot, then the (empty) events after it.
  const perGet = snapshot ? 2 : WORLD_EVENTS / PAGE + 1;
  return [
    {
      workload,
      recorder: 'd1',
      unit: 'ms/get',
      batches: gets * perGet,
      description: `repository.get of a World of 10,000 events${snapshot ? ', snapshot at 10,000' : ''}`,
      async prepare() {
        const { name, ids } = await data();
        const a = app(db, name, snapshot);
        const id = ids[0] as string;
        return {
          operations: gets,
          async run() {
            for (let i = 0; i < gets; i++) {
              const w = await a.repository.get<World>(id);
              if (w.version !== WORLD_EVENTS) throw new Error(`bench: version ${String(w.version)}`);
            }
          },
        };
      },
    },
    {
      workload,
      recorder: 'raw-d1',
      unit: 'ms/get',
      batches: gets * perGet,
      description: snapshot
        ? 'the same two SELECTs, then bytes, UTF-8, JSON of the snapshot'
        : 'the same paged SELECTs, then bytes, UTF-8, JSON, Date, object per row',
      async prepare() {
        const { name, ids } = await data();
        const id = ids[0] as string;
        const events = `"${name}_events"`;
        const first = eventPageSql(events, false, false);
        const next = eventPageSql(events, true, false);
        const latest = eventPageSql(`"${name}_snapshots"`, false, true);
        type Row = { originator_version: number; state: unknown };
        return {
          operations: gets,
          async run() {
            for (let i = 0; i < gets; i++) {
              let version = 0;
              let statement = db.prepare(first).bind(...pageParams([id], PAGE));
              if (snapshot) {
                const { results } = await db
                  .prepare(latest)
                  .bind(...pageParams([id], 1))
                  .all<Row>();
                const snap = results[0] as Row;
                bareDecode(id, snap.originator_version, snap.state);
                version = snap.originator_version;
                statement = db.prepare(next).bind(...pageParams([id, version], PAGE));
              }
              for (;;) {
                const { results } = await statement.all<Row>();
                for (const r of results) bareDecode(id, r.originator_version, r.state);
                const last = results[results.length - 1];
                if (last === undefined || results.length < PAGE) break;
                version = last.originator_version;
                statement = db.prepare(next).bind(...pageParams([id, version], PAGE));
              }
              if (!snapshot && version !== WORLD_EVENTS) throw new Error(`bench: version ${String(version)}`);
            }
          },
        };
      },
    },
  ];
}
