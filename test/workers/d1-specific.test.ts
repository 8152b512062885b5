/**
 * What only D1 has: atomic batches split to fit its parameter limit, its row size limit,
 * BLOBs returned as number arrays, tables per application, and the schema.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  D1AggregateRecorder,
  D1ApplicationRecorder,
  MAX_ROW_BYTES,
  d1,
  d1Schema,
  d1TableNames,
} from '../../src/d1/index.js';
import { DataError, ProgrammingError, RecordConflictError } from '../../src/index.js';
import { freshName, newId, stored } from '../recorders/recorder.suite.js';

describe('d1 recorder', () => {
  it('rolls back a whole batch whose last statement conflicts', async () => {
    const recorder = new D1ApplicationRecorder(env.DB, freshName());
    const taken = newId();
    await recorder.insertEvents([stored(taken, 1)]);
    // 60 new events make three INSERT statements; the last one holds the taken version.
    const fresh = newId();
    const batch = [...Array.from({ length: 60 }, (_, i) => stored(fresh, i + 1)), stored(taken, 1)];
    const error = await recorder.insertEvents(batch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecordConflictError);
    // D1's own error is kept as the cause.
    expect(String((error as Error).cause)).toMatch(/UNIQUE constraint failed/);
    // Nothing of the first two statements stayed, and no notification id was used up.
    expect(await recorder.selectEvents(fresh)).toEqual([]);
    expect(await recorder.maxNotificationId()).toBe(1);
    const [next] = await recorder.insertEvents([stored(fresh, 1)]);
    expect(next).toBe(2);
  });

  it('saves 1,000 events atomically, in statements within the parameter limit', async () => {
    const recorder = new D1ApplicationRecorder(env.DB, freshName());
    const ids = Array.from({ length: 10 }, () => newId());
    const events = ids.flatMap((id) => Array.from({ length: 100 }, (_, v) => stored(id, v + 1)));
    // One save of 1,000 events: 4,000 parameters, sent as 40 statements in one batch.
    const notificationIds = await recorder.insertEvents(events);
    expect(notificationIds).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    // Every event is there, in order, and the log lists them in the order they were given.
    const third = await recorder.selectEvents(ids[2] as string);
    expect(third.map((e) => e.originatorVersion)).toEqual(Array.from({ length: 100 }, (_, v) => v + 1));
    const log = await recorder.selectNotifications(1, 1000);
    expect(log.map((n) => `${n.originatorId}:${String(n.originatorVersion)}`)).toEqual(
      events.map((e) => `${e.originatorId}:${String(e.originatorVersion)}`),
    );
    // The same 1,000 events again conflict on the last one only: still nothing is written.
    const again = [...Array.from({ length: 999 }, (_, v) => stored(newId(), v + 1)), ...events.slice(999)];
    await expect(recorder.insertEvents(again)).rejects.toBeInstanceOf(RecordConflictError);
    expect(await recorder.maxNotificationId()).toBe(1000);
  });

  it('reads more rows than one page, in both directions', async () => {
    const recorder = new D1ApplicationRecorder(env.DB, freshName());
    const id = newId();
    const events = Array.from({ length: 2500 }, (_, v) => stored(id, v + 1));
    for (let i = 0; i < events.length; i += 500) await recorder.insertEvents(events.slice(i, i + 500));
    // 2,500 events come back from pages of 1,000, whole and in order.
    const all = await recorder.selectEvents(id);
    expect(all.map((e) => e.originatorVersion)).toEqual(events.map((e) => e.originatorVersion));
    const desc = await recorder.selectEvents(id, { desc: true, lte: 2200, limit: 1500 });
    expect(desc.length).toBe(1500);
    expect(desc[0]?.originatorVersion).toBe(2200);
    expect(desc[1499]?.originatorVersion).toBe(701);
    // The notification log pages the same way, with a topic filter before the limit.
    const log = await recorder.selectNotifications(1, 2500);
    expect(log.map((n) => n.id)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    const stopped = await recorder.selectNotifications(1001, 5000, { stop: 2100 });
    expect(stopped.length).toBe(1100);
  });

  it('refuses an event over the 2 MB row limit before sending anything', async () => {
    const recorder = new D1ApplicationRecorder(env.DB, freshName());
    const snapshots = new D1AggregateRecorder(env.DB, freshName());
    const id = newId();
    const big = { ...stored(id, 2), state: new Uint8Array(MAX_ROW_BYTES) };
    // The big event is refused with a DataError that names the limit; its small partner is not written.
    const error = await recorder.insertEvents([stored(id, 1), big]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as Error).message).toMatch(/2000000 bytes per row/);
    expect(await recorder.selectEvents(id)).toEqual([]);
    // A snapshot is held to the same limit.
    await expect(snapshots.insertEvents([big])).rejects.toBeInstanceOf(DataError);
    // An event just under the limit gets through the recorder's check and is read back whole.
    // This runs on local SQLite, whose limit is about 1e9 bytes: it cannot show that production
    // D1 accepts 1,999,000 bytes, nor that MAX_ROW_BYTES and its room for the row's other
    // columns are tight enough there.
    const under = { ...stored(id, 1), state: new Uint8Array(MAX_ROW_BYTES - 1000).fill(7) };
    await recorder.insertEvents([under]);
    const [back] = await recorder.selectEvents(id);
    expect(back?.state.length).toBe(MAX_ROW_BYTES - 1000);
    expect(back?.state.every((b) => b === 7)).toBe(true);
  });

  it('gives back every byte value as a Uint8Array, whatever view was stored', async () => {
    const recorder = new D1ApplicationRecorder(env.DB, freshName());
    const id = newId();
    // A view into the middle of a larger buffer stores only its own bytes.
    const buffer = Uint8Array.from({ length: 300 }, (_, i) => (i + 100) % 256);
    const view = buffer.subarray(22, 278);
    await recorder.insertEvents([{ ...stored(id, 1), state: view }]);
    // D1 returns BLOBs as number[]: the recorder hands back bytes, from both kinds of read.
    const [event] = await recorder.selectEvents(id);
    const [notification] = await recorder.selectNotifications(1, 1);
    for (const state of [event?.state, notification?.state]) {
      expect(state).toBeInstanceOf(Uint8Array);
      expect(Array.from(state ?? [])).toEqual(Array.from(view));
    }
  });

  it('keeps two applications apart in one database, by table name', async () => {
    const persistence = d1({ database: env.DB });
    const [one, two] = [freshName(), freshName()];
    const id = newId();
    await persistence.applicationRecorder(one).insertEvents([stored(id, 1)]);
    await persistence.applicationRecorder(two).insertEvents([stored(id, 1), stored(id, 2)]);
    // Each application has its own tables, and its own notification ids from 1.
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE ? OR name LIKE ?) ORDER BY name",
    )
      .bind(`${one}%`, `${two}%`)
      .all<{ name: string }>();
    expect(tables.results.map((r) => r.name).sort()).toEqual(
      [`${one}_events`, `${one}_tracking`, `${two}_events`, `${two}_tracking`].sort(),
    );
    expect((await persistence.applicationRecorder(one).selectNotifications(1, 10)).map((n) => n.id)).toEqual([
      1,
    ]);
    expect((await persistence.applicationRecorder(two).selectNotifications(1, 10)).map((n) => n.id)).toEqual([
      1, 2,
    ]);
  });

  it('gives names that differ only in case the same tables, as documented', async () => {
    const persistence = d1({ database: env.DB });
    const name = freshName();
    const [lower, upper] = [name.toLowerCase(), `T${name.slice(1).toUpperCase()}`];
    const id = newId();
    await persistence.applicationRecorder(lower).insertEvents([stored(id, 1)]);
    // SQLite compares table names without regard to case: the other spelling sees the same log,
    // and the same originator id and version conflicts.
    expect(
      (await persistence.applicationRecorder(upper).selectNotifications(1, 10)).map((n) => n.id),
    ).toEqual([1]);
    await expect(persistence.applicationRecorder(upper).insertEvents([stored(id, 1)])).rejects.toBeInstanceOf(
      RecordConflictError,
    );
  });

  it('keeps what was saved for a new persistence over the same database', async () => {
    const name = freshName();
    const id = newId();
    await d1({ database: env.DB })
      .applicationRecorder(name)
      .insertEvents([stored(id, 1), stored(id, 2)]);
    await d1({ database: env.DB })
      .snapshotRecorder(name)
      .insertEvents([stored(id, 2, 'Snapshot')]);
    // A new persistence, as in the next request of a Worker, reads the same rows.
    const again = d1({ database: env.DB, createTables: false });
    expect((await again.applicationRecorder(name).selectEvents(id)).map((e) => e.originatorVersion)).toEqual([
      1, 2,
    ]);
    expect(await again.applicationRecorder(name).maxNotificationId()).toBe(2);
    expect((await again.snapshotRecorder(name).selectEvents(id)).map((e) => e.topic)).toEqual(['Snapshot']);
  });

  it('creates no table when told not to, and says how to apply the schema', async () => {
    const name = freshName();
    const persistence = d1({ database: env.DB, createTables: false });
    // Without tables, reads and writes fail with a ProgrammingError that names the remedy.
    const error = await persistence
      .applicationRecorder(name)
      .insertEvents([stored(newId(), 1)])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect((error as Error).message).toMatch(/apply the schema from d1Schema\(name\).*leave createTables on/);
    await expect(persistence.snapshotRecorder(name).selectEvents(newId())).rejects.toBeInstanceOf(
      ProgrammingError,
    );
    // Once the exported schema is applied, the same recorders work.
    const statements = d1Schema(name)
      .split(';')
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter((s) => s !== '');
    await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
    const id = newId();
    expect(await persistence.applicationRecorder(name).insertEvents([stored(id, 1)])).toEqual([1]);
    expect(await persistence.snapshotRecorder(name).insertEvents([stored(id, 1, 'Snapshot')])).toEqual([]);
  });

  it('says a table dropped after the recorder created it was dropped, and a new recorder creates it', async () => {
    const name = freshName();
    const recorder = d1({ database: env.DB }).applicationRecorder(name);
    expect(await recorder.insertEvents([stored(newId(), 1)])).toEqual([1]);
    await env.DB.prepare(`DROP TABLE "${name}_events"`).run();
    // The recorder creates its tables once, before its first use: it does not create them again.
    const error = await recorder.insertEvents([stored(newId(), 1)]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgrammingError);
    expect((error as Error).message).toMatch(/was dropped since: a new recorder creates it again/);
    expect(
      await d1({ database: env.DB })
        .applicationRecorder(name)
        .insertEvents([stored(newId(), 1)]),
    ).toEqual([1]);
  });

  it('lists long topic filters in one parameter', async () => {
    const recorder = new D1ApplicationRecorder(env.DB, freshName());
    const id = newId();
    await recorder.insertEvents([
      stored(id, 1, 'topic-3'),
      stored(id, 2, 'other'),
      stored(id, 3, 'topic-150'),
    ]);
    // 200 topics would be 200 parameters as an IN list; D1 allows 100.
    const topics = Array.from({ length: 200 }, (_, i) => `topic-${String(i)}`);
    const found = await recorder.selectNotifications(1, 10, { topics });
    expect(found.map((n) => n.topic)).toEqual(['topic-3', 'topic-150']);
  });

  it('refuses names that cannot name a table, and misuse of the options', () => {
    // A name becomes part of an SQL identifier, so only letters, digits and underscores pass.
    expect(d1TableNames('Worlds').events).toBe('"Worlds_events"');
    for (const bad of [
      '',
      'x"; DROP TABLE y; --',
      '1abc',
      'has space',
      'sqlite',
      'sqlite_x',
      'SQLite_a',
      'a'.repeat(65),
    ]) {
      expect(() => d1TableNames(bad)).toThrow(TypeError);
      expect(() => d1({ database: env.DB }).applicationRecorder(bad)).toThrow(/^d1: application name/);
    }
    // Only SQLite's own names are reserved: `sqlite` itself and the `sqlite_` prefix, in any case.
    expect(d1TableNames('sqlitex').events).toBe('"sqlitex_events"');
    expect(d1TableNames('a'.repeat(64)).events).toBe(`"${'a'.repeat(64)}_events"`);
    // A missing binding is the caller's mistake, named as such.
    expect(() => d1({ database: undefined as never })).toThrow(/d1: options.database/);
  });
});
