/**
 * The notification log reader: pages of `log.select` from a position to the end of the log,
 * with `stop` and `topics`, over ids with gaps, and started again where a follower stopped.
 */
import { describe, expect, it } from 'vitest';
import {
  InterfaceError,
  LocalNotificationLog,
  MemoryApplicationRecorder,
  Notification,
  NotificationLogReader,
  type NotificationLog,
  type SelectNotificationsOptions,
} from '../../src/index.js';
import { SomethingHappened, World, Worlds } from '../../examples/world.js';

/** Collects what an async generator yields. */
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Five worlds, each created and made something happen to once: notifications 1 to 10. */
async function fiveWorlds(): Promise<Worlds> {
  const app = new Worlds({ sectionSize: 4 });
  for (let i = 0; i < 5; i++) {
    const world = World.create();
    world.makeItSo(`thing ${String(i)}`);
    await app.save(world);
  }
  return app;
}

describe('NotificationLogReader', () => {
  it('selects pages from a start to the end of the log, none larger than the page size', async () => {
    const app = await fiveWorlds();
    const reader = new NotificationLogReader(app.log, 4);
    const pages = await collect(reader.select());
    expect(pages.map((page) => page.map((n) => n.id))).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
      [9, 10],
    ]);
    // From a position: the last id processed, plus one.
    expect((await collect(reader.read({ start: 8 }))).map((n) => n.id)).toEqual([8, 9, 10]);
    // Past the end, and over an empty log: nothing.
    expect(await collect(reader.select({ start: 11 }))).toEqual([]);
    expect(await collect(new NotificationLogReader(new Worlds().log).read())).toEqual([]);
  });

  it('stops at stop, and selects only the topics asked for', async () => {
    const app = await fiveWorlds();
    const reader = new NotificationLogReader(app.log, 3);
    expect((await collect(reader.read({ start: 2, stop: 6 }))).map((n) => n.id)).toEqual([2, 3, 4, 5, 6]);
    const happenings = await collect(reader.select({ topics: [SomethingHappened.topic] }));
    // Five happenings, at even ids, in pages of three matching notifications.
    expect(happenings.map((page) => page.map((n) => n.id))).toEqual([
      [2, 4, 6],
      [8, 10],
    ]);
    const decoded = await app.mapper.toDomainEvents(happenings.flat());
    expect(decoded.map((e) => (e as SomethingHappened).what)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `thing ${String(i)}`),
    );
  });

  it('follows a log as it grows: a follower starts again after the last id it processed', async () => {
    const app = await fiveWorlds();
    const reader = new NotificationLogReader(app.log, 4);
    let position = 0;
    for await (const notification of reader.read({ start: position + 1 })) position = notification.id;
    expect(position).toBe(10);
    await app.save(World.create());
    const more = await collect(reader.read({ start: position + 1 }));
    expect(more.map((n) => n.id)).toEqual([11]);
  });

  it('reads over ids with gaps, and asks for the next page after the last id returned', async () => {
    const recorder = new MemoryApplicationRecorder();
    const state = new Uint8Array([1]);
    await recorder.insertEvents(
      Array.from({ length: 6 }, (_, i) => ({
        originatorId: 'a',
        originatorVersion: i + 1,
        topic: 't',
        state,
      })),
    );
    // A log whose ids are 10, 20, 30, ...: the recorder's, times ten.
    const inner = new LocalNotificationLog(recorder, 2);
    const starts: number[] = [];
    const gappy: NotificationLog = {
      section: (id) => inner.section(id),
      async select(start: number, limit: number, options?: SelectNotificationsOptions) {
        starts.push(start);
        const items = await inner.select(Math.ceil(start / 10), limit, options);
        return items.map(
          (n) => new Notification(n.id * 10, n.originatorId, n.originatorVersion, n.topic, n.state),
        );
      },
    };
    const ids = (await collect(new NotificationLogReader(gappy, 2).read())).map((n) => n.id);
    expect(ids).toEqual([10, 20, 30, 40, 50, 60]);
    expect(starts).toEqual([1, 21, 41, 61]);
  });

  it('takes the log’s section size as its page size by default, and stops on a faulty log', async () => {
    const app = await fiveWorlds();
    // The app's section size is 4: a default of 10 would be above it.
    const reader = new NotificationLogReader(app.log);
    expect(reader.pageSize).toBe(4);
    expect((await collect(reader.select())).map((page) => page.length)).toEqual([4, 4, 2]);
    // A log without a section size of its own: 10.
    const bare: NotificationLog = {
      section: (id) => app.log.section(id),
      select: async (start, limit, options) => app.log.select(start, Math.min(limit, 4), options),
    };
    expect(new NotificationLogReader(bare).pageSize).toBe(10);
    // A log that always returns the first notifications would be read forever.
    const stuck: NotificationLog = {
      section: (id) => app.log.section(id),
      select: () => app.log.select(1, 4),
    };
    await expect(collect(new NotificationLogReader(stuck, 4).read({ start: 5 }))).rejects.toThrow(
      InterfaceError,
    );
  });

  it('refuses a page size the log does not take, and bad positions', async () => {
    const app = await fiveWorlds();
    expect(() => new NotificationLogReader(app.log, 0)).toThrow(RangeError);
    expect(() => new NotificationLogReader(app.log, 1.5)).toThrow(RangeError);
    // The log's own check: a page above its section size (4 here).
    await expect(collect(new NotificationLogReader(app.log, 5).read())).rejects.toThrow(RangeError);
    const reader = new NotificationLogReader(app.log, 4);
    await expect(collect(reader.read({ start: 1.5 }))).rejects.toThrow(RangeError);
    await expect(collect(reader.read({ start: 1, stop: Number.NaN }))).rejects.toThrow(RangeError);
  });
});
