/**
 * Saves that fail, and what they leave behind: nothing written, and aggregates whose pending
 * events still explain their state. Automatic snapshots that fail after a committed save.
 */
import { describe, expect, it } from 'vitest';
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  Application,
  AutomaticSnapshotError,
  CipherError,
  ConfigurationError,
  EventStore,
  OriginatorVersionError,
  RecordConflictError,
  TranscodingError,
  type AggregateRecorder,
  type Cipher,
  type Recording,
} from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';

/** A value of a type no transcoding is registered for. */
class Unregistered {
  readonly n = 1;
}

class NoteCreated extends AggregateCreated<Notebook> {
  static readonly topic = 'Notebook.Created';
}

class Noted extends AggregateEvent<Notebook> {
  static readonly topic = 'Notebook.Noted';
  declare readonly value: unknown;
  override apply(notebook: Notebook): void {
    notebook.notes.push(this.value);
  }
}

class Notebook extends Aggregate {
  static readonly topic = 'Notebook';
  static readonly events = [NoteCreated, Noted];
  notes: unknown[] = [];
  static create(): Notebook {
    return this.createAggregate(NoteCreated, {});
  }
  note(value: unknown): void {
    this.triggerEvent(Noted, { value });
  }
}

class Notebooks extends Application {
  static override readonly applicationName = 'Notebooks';
  static override readonly aggregates = [Notebook];
}

/** A cipher that waits a turn, then fails: a save's failure that comes after an await. */
class FailingCipher implements Cipher {
  async encrypt(): Promise<Uint8Array> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    throw new CipherError('test: encryption failed');
  }
  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    return ciphertext;
  }
}

describe('a save that fails', () => {
  it('writes nothing and puts the events back, so a retry fails the same way and no version is skipped', async () => {
    const app = new Notebooks();
    const notebook = Notebook.create();
    await app.save(notebook);
    notebook.note(new Unregistered());
    await expect(app.save(notebook)).rejects.toThrow(TranscodingError);
    // The aggregate is at version 2, and its pending event says why.
    expect(notebook.version).toBe(2);
    // Saving again (or after another event) fails again rather than skipping version 2.
    notebook.note('ok');
    await expect(app.save(notebook)).rejects.toThrow(TranscodingError);
    expect(await app.recorder.maxNotificationId()).toBe(1);
    const stored = await app.recorder.selectEvents(notebook.id);
    expect(stored.map((e) => e.originatorVersion)).toEqual([1]);
    // The pending events are the two unsaved ones, in order.
    expect(notebook.collectEvents().map((e) => e.originatorVersion)).toEqual([2, 3]);
    // The stored aggregate still reads.
    expect((await app.repository.get<Notebook>(notebook.id)).version).toBe(1);
  });

  it('keeps events triggered while it was pending after the events it puts back', async () => {
    const app = new Notebooks({ cipher: new FailingCipher() });
    const notebook = Notebook.create();
    const saving = app.save(notebook);
    // Triggered while the cipher is working on version 1.
    notebook.note('meanwhile');
    await expect(saving).rejects.toThrow(CipherError);
    expect(notebook.collectEvents().map((e) => e.originatorVersion)).toEqual([1, 2]);
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('reaches a caller of the event store as a rejection, never as a throw', async () => {
    // put() is a chain of promises, not an async function: an error of the mapper, or of a
    // recorder that throws at once, must still come back as a rejected promise.
    const app = new Notebooks();
    const notebook = Notebook.create();
    notebook.note(new Unregistered());
    const events = notebook.collectEvents();
    const mapping = app.events.put(events);
    await expect(mapping).rejects.toThrow(TranscodingError);
    const throwing: AggregateRecorder = {
      insertEvents(): Promise<readonly number[]> {
        throw new RecordConflictError('test: a recorder that throws at once');
      },
      selectEvents: (id, options) => app.recorder.selectEvents(id, options),
      close: () => app.recorder.close(),
    };
    const broken = new EventStore(app.mapper, throwing);
    const inserting = broken.put(events.slice(0, 1));
    await expect(inserting).rejects.toThrow(RecordConflictError);
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('puts the events back on every aggregate of a conflicting save', async () => {
    const app = new Worlds();
    const world = World.create();
    await app.save(world);
    const copy = await app.repository.get<World>(world.id);
    world.makeItSo('first');
    await app.save(world);
    copy.makeItSo('second');
    const other = World.create();
    await expect(app.save(other, copy)).rejects.toThrow(RecordConflictError);
    // Nothing of the save was written: not the new world, not version 2 of the copy.
    expect(await app.recorder.selectEvents(other.id)).toEqual([]);
    expect(other.collectEvents().map((e) => e.originatorVersion)).toEqual([1]);
    expect(copy.collectEvents().map((e) => e.originatorVersion)).toEqual([2]);
  });
});

describe('automatic snapshots', () => {
  it('are taken from the store at the saved version, never from the caller object', async () => {
    const app = new Worlds({ snapshotting: { intervals: [[World, 2]] } });
    const world = World.create();
    world.makeItSo('a');
    // A change that is not an event: it is not stored, so no snapshot may hold it.
    world.history.push('not an event');
    await app.save(world);
    const [snapshot] = (await app.snapshots?.get(world.id)) ?? [];
    expect(snapshot?.originatorVersion).toBe(2);
    expect(snapshot?.state.history).toEqual(['a']);
    expect((await app.repository.get<World>(world.id)).history).toEqual(['a']);
  });

  it('take one snapshot when an aggregate is passed twice', async () => {
    const app = new Worlds({ snapshotting: { intervals: [[World, 2]] } });
    const world = World.create();
    world.makeItSo('a');
    await app.save(world, world);
    expect(((await app.snapshots?.get(world.id)) ?? []).map((s) => s.originatorVersion)).toEqual([2]);
  });

  it('count a snapshot already stored at the version as taken', async () => {
    // As if another process took the same snapshot first: the second take conflicts.
    let calls = 0;
    class TwiceWorlds extends Worlds {
      override async takeSnapshot(id: string, options?: { readonly version?: number }): Promise<void> {
        calls++;
        await super.takeSnapshot(id, options);
        await super.takeSnapshot(id, options);
      }
    }
    const app = new TwiceWorlds({ snapshotting: { intervals: [[World, 2]] } });
    const world = World.create();
    world.makeItSo('a');
    expect(await app.save(world)).toHaveLength(2);
    // The automatic snapshot went through the override, and its second take conflicted.
    expect(calls).toBe(1);
    expect(((await app.snapshots?.get(world.id)) ?? []).map((s) => s.originatorVersion)).toEqual([2]);
    // Asked for by hand, the same conflict is the caller's to see.
    await expect(app.takeSnapshot(world.id)).rejects.toThrow(RecordConflictError);
  });

  it('that fail after a committed save reject with AutomaticSnapshotError, after notify', async () => {
    class CachedCreated extends AggregateCreated<Cached> {
      static readonly topic = 'Cached.Created';
    }
    class Touched extends AggregateEvent<Cached> {
      static readonly topic = 'Cached.Touched';
    }
    class Cached extends Aggregate {
      static readonly topic = 'Cached';
      static readonly events = [CachedCreated, Touched];
      // Not an event's doing, and of an unregistered type: a snapshot cannot hold it.
      cache = new Unregistered();
      static create(): Cached {
        return this.createAggregate(CachedCreated, {});
      }
      touch(): void {
        this.triggerEvent(Touched, {});
      }
    }
    const notified: number[][] = [];
    class CachedNotebooks extends Application {
      static override readonly applicationName = 'CachedNotebooks';
      static override readonly aggregates = [Cached];
      protected override notify(recordings: readonly Recording[]): void {
        notified.push(recordings.map((r) => r.notification.id));
      }
    }
    const app = new CachedNotebooks({ snapshotting: { intervals: [[Cached, 2]] } });
    const notebook = Cached.create();
    notebook.touch();
    const error = await app.save(notebook).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AutomaticSnapshotError);
    expect((error as AutomaticSnapshotError).cause).toBeInstanceOf(TranscodingError);
    expect((error as AutomaticSnapshotError).recordings.map((r) => r.notification.id)).toEqual([1, 2]);
    // The save itself was committed and notified; its events are not pending any more.
    expect(notified).toEqual([[1, 2]]);
    expect(await app.recorder.maxNotificationId()).toBe(2);
    expect(notebook.collectEvents()).toEqual([]);
  });

  it('need a class among the application’s aggregates, or they would never fire', () => {
    // Notebook is not one of Worlds' aggregates: no save of Worlds could ever snapshot it.
    expect(() => new Worlds({ snapshotting: { intervals: [[Notebook, 2]] } })).toThrow(
      /snapshot interval is given for Notebook, which is not one of the application's aggregates/,
    );
    expect(() => new Notebooks({ snapshotting: { intervals: [[Notebook, 2]] } })).not.toThrow();
  });

  it('need a positive integer interval', () => {
    for (const interval of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => new Worlds({ snapshotting: { intervals: [[World, interval]] } })).toThrow(
        ConfigurationError,
      );
    }
  });
});

describe('stored events that do not follow one another', () => {
  it('give OriginatorVersionError when a stream does not start with a created event', async () => {
    const app = new Worlds();
    const world = World.create();
    world.makeItSo('a');
    const [, second] = world.collectEvents();
    await app.recorder.insertEvents([await app.mapper.toStoredEvent(second as AggregateEvent)]);
    await expect(app.repository.get(world.id)).rejects.toThrow(OriginatorVersionError);
  });
});
