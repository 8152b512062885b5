/**
 * The event store's `put`, and `Application.save`, which does the same work itself: with a
 * mapper whose `mapEvents` gives its stored events later, and when each calls the recorder.
 */
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import {
  EventStore,
  Mapper,
  type ApplicationConfig,
  type DomainEvent,
  type StoredEvent,
} from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';

/** Worlds whose recorder notes each call of `insertEvents` as it is made. */
class WatchedWorlds extends Worlds {
  readonly calls: number[] = [];

  constructor(config: ApplicationConfig = {}) {
    super(config);
    const insert = this.recorder.insertEvents.bind(this.recorder);
    this.recorder.insertEvents = (events) => {
      this.calls.push(events.length);
      return insert(events);
    };
  }
}

/** Worlds whose mapper gives its stored events through a thenable. */
class ThenableWorlds extends Worlds {
  protected override constructMapper(): Mapper {
    return new ThenableMapper(this.transcoder, this.topics);
  }
}

/** A mapper that gives its stored events through a thenable of its own (as a JavaScript override might). */
class ThenableMapper extends Mapper {
  override mapEvents(events: readonly DomainEvent[]): StoredEvent[] | Promise<StoredEvent[]> {
    const stored = super.mapEvents(events);
    const thenable = {
      then(resolve: (value: StoredEvent[] | Promise<StoredEvent[]>) => void): void {
        resolve(stored);
      },
    };
    return thenable as unknown as Promise<StoredEvent[]>;
  }
}

describe('the event store', () => {
  it('records what a mapper gives through any thenable, and returns its recordings', async () => {
    const app = new Worlds();
    const store = new EventStore(new ThenableMapper(app.transcoder, app.topics), app.recorder);
    const world = World.create();
    world.makeItSo('dinosaurs');
    const events = world.collectEvents();
    const recordings = await store.put(events);
    expect(recordings.map((r) => [r.notification.id, r.domainEvent])).toEqual([
      [1, events[0]],
      [2, events[1]],
    ]);
    expect((await app.repository.get<World>(world.id)).history).toEqual(['dinosaurs']);
  });

  it('returns no recordings from a recorder without a notification log, the snapshot recorder', async () => {
    const app = new Worlds({ snapshotting: true });
    const snapshots = app.snapshots;
    if (snapshots === undefined) throw new Error('test: snapshotting is on');
    const world = World.create();
    world.makeItSo('dinosaurs');
    // Its events put in the snapshot recorder, an aggregate recorder: no ids, so no recordings.
    const store = new EventStore(app.mapper, snapshots.recorder);
    expect(await store.put(world.collectEvents())).toEqual([]);
    expect((await snapshots.recorder.selectEvents(world.id)).map((e) => e.originatorVersion)).toEqual([1, 2]);
  });

  it('save calls the recorder in the same turn when no cipher is configured, and later with one', async () => {
    // Without a cipher nothing is awaited before the recorder: its transaction starts at once.
    const plain = new WatchedWorlds();
    const saved = plain.save(World.create());
    expect(plain.calls).toEqual([1]);
    expect((await saved).map((r) => r.notification.id)).toEqual([1]);

    // With one, the recorder is called once the states are encrypted, with all of them.
    const encrypted = new WatchedWorlds({ cipher: new AesGcmCipher(AesGcmCipher.createKey(16)) });
    const world = World.create();
    world.makeItSo('dinosaurs');
    const pending = encrypted.save(world);
    expect(encrypted.calls).toEqual([]);
    expect((await pending).map((r) => r.notification.id)).toEqual([1, 2]);
    expect(encrypted.calls).toEqual([2]);
  });

  it('save records what a mapper gives through any thenable, as put does', async () => {
    const app = new ThenableWorlds();
    const world = World.create();
    world.makeItSo('dinosaurs');
    const recordings = await app.save(world);
    expect(recordings.map((r) => [r.notification.id, r.notification.originatorVersion])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect((await app.repository.get<World>(world.id)).history).toEqual(['dinosaurs']);
  });
});
