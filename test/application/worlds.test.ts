/**
 * The seed's Worlds examples, on the in-memory recorder, asserting what the seed asserts.
 */
import { describe, expect, it, vi } from 'vitest';
import { Notification, Snapshot, memory } from '../../src/index.js';
import { SomethingHappened, World, WorldCreated, Worlds } from '../../examples/world.js';
import { expectSeedSection, worldWithHistory } from '../support/worlds.js';

describe('Worlds (the seed basic example)', () => {
  it('records the history of a world', async () => {
    const app = new Worlds();
    const worldId = await worldWithHistory(app);
    const history = await app.getWorldHistory(worldId);
    expect(history).toEqual(['dinosaurs', 'trucks', 'internet']);
  });

  it('gets the aggregate at each version, and the last for a version beyond it', async () => {
    const app = new Worlds();
    const worldId = await worldWithHistory(app);

    const latest = await app.repository.get<World>(worldId);
    expect(latest.version).toBe(4);
    expect(latest.history.length).toBe(3);

    const v1 = await app.repository.get<World>(worldId, { version: 1 });
    expect(v1.version).toBe(1);
    expect(v1.history.length).toBe(0);

    const v2 = await app.repository.get<World>(worldId, { version: 2 });
    expect(v2.version).toBe(2);
    expect(v2.history.length).toBe(1);
    expect(v2.history.at(-1)).toBe('dinosaurs');

    const v3 = await app.repository.get<World>(worldId, { version: 3 });
    expect(v3.version).toBe(3);
    expect(v3.history.length).toBe(2);
    expect(v3.history.at(-1)).toBe('trucks');

    const v4 = await app.repository.get<World>(worldId, { version: 4 });
    expect(v4.version).toBe(4);
    expect(v4.history.length).toBe(3);
    expect(v4.history.at(-1)).toBe('internet');

    // There is no version 5: the last version is returned.
    const v5 = await app.repository.get<World>(worldId, { version: 5 });
    expect(v5.version).toBe(4);
    expect(v5.history.length).toBe(3);
    expect(v5.history.at(-1)).toBe('internet');
  });

  it('keeps createdOn and modifiedOn from the events', async () => {
    const app = new Worlds();
    const worldId = await worldWithHistory(app);
    const [created, , , last] = await app.events.get(worldId);
    const world = await app.repository.get<World>(worldId);
    expect(world).toBeInstanceOf(World);
    expect(world.createdOn.getTime()).toBe(created?.timestamp.getTime());
    expect(world.modifiedOn.getTime()).toBe(last?.timestamp.getTime());
  });

  it('presents the notification log in sections', async () => {
    const app = new Worlds();
    const worldId = await worldWithHistory(app);

    const section = await app.log.section('1,10');
    expectSeedSection(section, worldId);

    const text = (n: Notification | undefined) => new TextDecoder().decode(n?.state);
    expect(text(section.items[1])).toContain('dinosaurs');
    expect(text(section.items[2])).toContain('trucks');
    expect(text(section.items[3])).toContain('internet');
  });

  it('reconstructs domain events from notifications', async () => {
    const app = new Worlds();
    const worldId = await worldWithHistory(app);
    const section = await app.log.section('1,10');

    const first = await app.mapper.toDomainEvent(section.items[0] as Notification);
    expect(first).toBeInstanceOf(WorldCreated);
    expect(first.originatorId).toBe(worldId);

    const last = await app.mapper.toDomainEvent(section.items[3] as Notification);
    expect(last).toBeInstanceOf(SomethingHappened);
    expect(last.originatorId).toBe(worldId);
    expect((last as SomethingHappened).what).toBe('internet');
    // Domain events are immutable once made.
    expect(Object.isFrozen(last)).toBe(true);
  });

  it('pages the log with a smaller section size, following nextId', async () => {
    const app = new Worlds({ sectionSize: 5 });
    const first = await worldWithHistory(app);
    const second = await worldWithHistory(app);
    expect(first).not.toBe(second);

    // With section size 5, "1,10" is cut to five notifications, and the next section follows.
    const section = await app.log.section('1,10');
    expect(section.id).toBe('1,5');
    expect(section.nextId).toBe('6,10');
    const next = await app.log.section(section.nextId ?? '');
    expect(next.id).toBe('6,8');
    expect(next.nextId).toBeNull();
    // Three of the four asked for: a section one short of full has no next section either.
    const short = await app.log.section('6,9');
    expect([short.id, short.nextId]).toEqual(['6,8', null]);
    expect([...section.items, ...next.items].map((n) => n.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('selects notifications from the log, refusing a limit above the section size', async () => {
    const app = new Worlds();
    await worldWithHistory(app);
    expect((await app.log.select(2, 2)).map((n) => n.id)).toEqual([2, 3]);
    expect((await app.log.select(1, 10, { topics: ['World.Created'] })).map((n) => n.id)).toEqual([1]);
    await expect(app.log.select(1, 11)).rejects.toThrow(RangeError);
  });
});

describe('Worlds with snapshotting (the seed snapshotting example)', () => {
  it('takes a snapshot at the latest version and gets it from the snapshot store', async () => {
    const app = new Worlds({ snapshotting: true });
    const worldId = await worldWithHistory(app);
    await app.takeSnapshot(worldId);

    const snapshots = (await app.snapshots?.get(worldId, { desc: true, limit: 1 })) ?? [];
    expect(snapshots.length).toBe(1);
    const [snapshot] = snapshots;
    expect(snapshot?.originatorId).toBe(worldId);
    expect(snapshot?.originatorVersion).toBe(4);
  });

  it('takes no snapshot until asked', async () => {
    const app = new Worlds({ snapshotting: true });
    const worldId = await worldWithHistory(app);
    expect(await app.snapshots?.get(worldId)).toEqual([]);
  });

  it('gets aggregates from a snapshot and the events after it', async () => {
    const app = new Worlds({ snapshotting: true });
    const worldId = await worldWithHistory(app);
    await app.takeSnapshot(worldId, { version: 2 });
    await app.makeItSo(worldId, 'robots');

    // Versions at, after and before the snapshot all come out right.
    const read = vi.spyOn(app.events, 'get');
    const latest = await app.repository.get<World>(worldId);
    // It started from the snapshot at version 2: only the events after it were read.
    expect(read).toHaveBeenCalledTimes(1);
    const replayed = (await read.mock.results[0]?.value) as { originatorVersion: number }[];
    expect(replayed.map((e) => e.originatorVersion)).toEqual([3, 4, 5]);
    read.mockRestore();
    expect(latest.version).toBe(5);
    expect(latest.history).toEqual(['dinosaurs', 'trucks', 'internet', 'robots']);
    expect(latest).toBeInstanceOf(World);
    const v2 = await app.repository.get<World>(worldId, { version: 2 });
    expect(v2.history).toEqual(['dinosaurs']);
    const v1 = await app.repository.get<World>(worldId, { version: 1 });
    expect(v1.history).toEqual([]);
    // The snapshot kept the timestamps (they are transcoded as dates).
    expect(latest.createdOn).toBeInstanceOf(Date);
    expect(latest.createdOn.getTime()).toBe(v1.createdOn.getTime());

    // With snapshots at 2 and 4, a get starts from the latest one at or below the version
    // wanted: from 4 for the latest, from 2 for version 3.
    await app.takeSnapshot(worldId, { version: 4 });
    const replayedFrom = async (version?: number): Promise<number[]> => {
      const spy = vi.spyOn(app.events, 'get');
      const world = await app.repository.get<World>(worldId, { version });
      const events = (await spy.mock.results[0]?.value) as { originatorVersion: number }[];
      spy.mockRestore();
      expect(world.version).toBe(version ?? 5);
      return events.map((e) => e.originatorVersion);
    };
    expect(await replayedFrom()).toEqual([5]);
    expect(await replayedFrom(3)).toEqual([3]);
    expect(await replayedFrom(4)).toEqual([]);
  });

  it('takes a snapshot from the recorded state, never from a caller copy', async () => {
    const app = new Worlds({ snapshotting: true });
    const worldId = await worldWithHistory(app);
    const world = await app.repository.get<World>(worldId);
    world.makeItSo('unsaved');
    await app.takeSnapshot(worldId);
    const [snapshot] = (await app.snapshots?.get(worldId)) ?? [];
    expect(snapshot?.originatorVersion).toBe(4);
    expect(snapshot?.state.history).toEqual(['dinosaurs', 'trucks', 'internet']);
  });

  it('takes and restores snapshots that share no state with an aggregate', async () => {
    const app = new Worlds({ snapshotting: true });
    const worldId = await worldWithHistory(app);
    const history = ['dinosaurs', 'trucks', 'internet'];
    // Snapshot.take copies: changing the aggregate afterwards leaves the snapshot as taken.
    const world = await app.repository.get<World>(worldId);
    const taken = Snapshot.take(world);
    world.makeItSo('later');
    expect(taken.state.history).toEqual(history);
    // restore copies: each aggregate restored has state of its own, and the snapshot keeps its.
    await app.takeSnapshot(worldId);
    const [stored] = (await app.snapshots?.get(worldId)) ?? [];
    const one = stored?.restore(World);
    const two = stored?.restore(World);
    one?.makeItSo('only in one');
    expect(two?.history).toEqual(history);
    expect(stored?.state.history).toEqual(history);
    // Aggregates got from the repository share nothing either.
    const first = await app.repository.get<World>(worldId);
    first.makeItSo('only in first');
    expect((await app.repository.get<World>(worldId)).history).toEqual(history);
  });

  it('takes automatic snapshots every N events when configured', async () => {
    const app = new Worlds({ snapshotting: { intervals: [[World, 2]] } });
    const worldId = await worldWithHistory(app);
    // Versions 2 and 4 are multiples of 2.
    const snapshots = (await app.snapshots?.get(worldId)) ?? [];
    expect(snapshots.map((s) => s.originatorVersion)).toEqual([2, 4]);

    // A save that jumps past a multiple (5 to 7 in one save) takes one at the new version.
    const world = await app.repository.get<World>(worldId);
    world.makeItSo('a');
    world.makeItSo('b');
    world.makeItSo('c');
    await app.save(world);
    const after = (await app.snapshots?.get(worldId, { desc: true, limit: 1 })) ?? [];
    expect(after[0]?.originatorVersion).toBe(7);
  });

  it('has no snapshot store when snapshotting is off, and says how to turn it on', async () => {
    const app = new Worlds();
    const worldId = await worldWithHistory(app);
    expect(app.snapshots).toBeUndefined();
    await expect(app.takeSnapshot(worldId)).rejects.toThrow(/snapshotting: true/);
  });
});

describe('Worlds over a store that endures (the seed persistence example)', () => {
  it('reads the same history from a new application over the same store', async () => {
    const store = memory();
    const app = new Worlds({ persistence: store, snapshotting: true });
    const worldId = await worldWithHistory(app);
    await app.takeSnapshot(worldId, { version: 2 });
    await app.close();

    // A reconstructed application over the same store sees everything.
    const again = new Worlds({ persistence: store, snapshotting: true });
    const history = await again.getWorldHistory(worldId);
    expect(history).toEqual(['dinosaurs', 'trucks', 'internet']);
    expect((await again.snapshots?.get(worldId))?.map((s) => s.originatorVersion)).toEqual([2]);
    expect((await again.log.section('1,10')).id).toBe('1,4');
  });

  it('keeps two applications with different names apart in one store', async () => {
    const store = memory();
    const one = new Worlds({ persistence: store });
    const two = new Worlds({ persistence: store, name: 'OtherWorlds' });
    await worldWithHistory(one);
    expect(two.name).toBe('OtherWorlds');
    expect((await two.log.section('1,10')).items).toEqual([]);
    expect(await two.recorder.maxNotificationId()).toBe(0);
  });
});

describe('Repository.contains', () => {
  it('tells whether an aggregate has stored events, without decoding them', async () => {
    const app = new Worlds({ persistence: memory() });
    const world = World.create();
    // Made, not saved: not in the repository yet.
    expect(await app.repository.contains(world.id)).toBe(false);
    await app.save(world);
    expect(await app.repository.contains(world.id)).toBe(true);
    expect(await app.repository.contains('no such id')).toBe(false);
    // Over a store it cannot decode (a cipher that fails to decrypt), it still tells.
    const blind = new Worlds({
      persistence: app.config.persistence,
      cipher: {
        encrypt: async (data: Uint8Array) => data,
        decrypt: async () => Promise.reject(new Error('test: cannot decrypt')),
      },
    });
    await expect(blind.repository.get(world.id)).rejects.toThrow('cannot decrypt');
    expect(await blind.repository.contains(world.id)).toBe(true);
  });
});

describe('Application.save', () => {
  it('returns the recordings with their notification ids, and calls notify with them', async () => {
    const seen: number[][] = [];
    class NotifyingWorlds extends Worlds {
      protected override notify(recordings: Parameters<Worlds['notify']>[0]): void {
        seen.push(recordings.map((r) => r.notification.id));
      }
    }
    const app = new NotifyingWorlds();
    const world = World.create();
    world.makeItSo('dinosaurs');
    const recordings = await app.save(world);
    expect(recordings.map((r) => r.notification.id)).toEqual([1, 2]);
    expect(recordings[1]?.domainEvent).toBeInstanceOf(SomethingHappened);
    expect(recordings[1]?.notification.originatorVersion).toBe(2);
    expect(seen).toEqual([[1, 2]]);
    // A save with nothing pending calls neither the recorder nor notify.
    const insert = vi.spyOn(app.recorder, 'insertEvents');
    expect(await app.save(world)).toEqual([]);
    expect(await app.save()).toEqual([]);
    expect(insert).not.toHaveBeenCalled();
    expect(seen).toEqual([[1, 2]]);
  });

  it('waits for an async notify, and rejects with its error with the save committed', async () => {
    const views: number[] = [];
    let fail = false;
    class AsyncWorlds extends Worlds {
      protected override async notify(recordings: Parameters<Worlds['notify']>[0]): Promise<void> {
        // A read model written somewhere asynchronous (IndexedDB, a fetch).
        await new Promise((done) => setTimeout(done, 5));
        if (fail) throw new Error('read model write failed');
        views.push(...recordings.map((r) => r.notification.id));
      }
    }
    const app = new AsyncWorlds();
    await app.save(World.create());
    // Done by the time save resolves.
    expect(views).toEqual([1]);
    fail = true;
    const world = World.create();
    await expect(app.save(world)).rejects.toThrow('read model write failed');
    // The save itself is stored, and the events are not pending any more.
    expect(await app.recorder.maxNotificationId()).toBe(2);
    expect(world.collectEvents()).toEqual([]);
  });

  it('is a no-op returning [] when nothing is pending', async () => {
    const app = new Worlds();
    const world = World.create();
    await app.save(world);
    // Saving again with nothing pending writes nothing.
    expect(await app.save(world)).toEqual([]);
    expect(await app.save()).toEqual([]);
    expect(await app.recorder.maxNotificationId()).toBe(1);
  });

  it('saves many aggregates in one atomic unit, and notifies all of it at once', async () => {
    const seen: [number, string][][] = [];
    class NotifyingWorlds extends Worlds {
      protected override notify(recordings: Parameters<Worlds['notify']>[0]): void {
        seen.push(recordings.map((r) => [r.notification.id, r.domainEvent.originatorId]));
      }
    }
    const app = new NotifyingWorlds();
    const worlds = [World.create(), World.create(), World.create()];
    worlds[1]?.makeItSo('dinosaurs');
    const recordings = await app.save(...worlds);
    // One recorder call, each event paired with its own notification, in the order passed.
    const ids = worlds.map((w) => w.id);
    const expected: [number, string][] = [
      [1, ids[0] as string],
      [2, ids[1] as string],
      [3, ids[1] as string],
      [4, ids[2] as string],
    ];
    expect(recordings.map((r) => [r.notification.id, r.domainEvent.originatorId])).toEqual(expected);
    expect(recordings.map((r) => r.notification.originatorId)).toEqual(expected.map(([, id]) => id));
    expect(seen).toEqual([expected]);
    expect((await app.repository.get<World>(ids[1] as string)).history).toEqual(['dinosaurs']);
  });
});
