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
  EarlierSaveError,
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

/**
 * A cipher that follows a script, one step per encrypted event: wait some milliseconds, then
 * fail or pass the bytes through. Steps past the end of the script pass at once.
 */
class ScriptedCipher implements Cipher {
  readonly #steps: { readonly wait: number; readonly fail: boolean }[];
  constructor(steps: { readonly wait: number; readonly fail: boolean }[]) {
    this.#steps = [...steps];
  }
  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    const step = this.#steps.shift() ?? { wait: 0, fail: false };
    await new Promise((resolve) => setTimeout(resolve, step.wait));
    if (step.fail) throw new CipherError('test: encryption failed');
    return plaintext;
  }
  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    return ciphertext;
  }
}

/**
 * A Worlds application whose cipher follows a script of `[wait, fail]` steps (see
 * {@link ScriptedCipher}).
 *
 * @param steps - one step per encrypted event
 * @returns the application
 */
function scripted(...steps: [wait: number, fail: boolean][]): Worlds {
  return new Worlds({ cipher: new ScriptedCipher(steps.map(([wait, fail]) => ({ wait, fail }))) });
}

/**
 * Saves a new world, and gets a copy of it: two objects of one aggregate.
 *
 * @param app - the application
 * @returns the world and its copy, both at version 1
 */
async function savedWithCopy(app: Worlds): Promise<[World, World]> {
  const world = World.create();
  await app.save(world);
  return [world, await app.repository.get<World>(world.id)];
}

/**
 * Saves a new world three times without waiting for any save: its created event, then
 * happenings 'a' and 'b', each save begun while the one before is in progress.
 *
 * @param app - the application
 * @returns the world, and the three saves in the order they began
 */
function threeSavesInFlight(app: Worlds): { world: World; saves: Promise<Recording[]>[] } {
  const world = World.create();
  const saves = [app.save(world)];
  world.makeItSo('a');
  saves.push(app.save(world));
  world.makeItSo('b');
  saves.push(app.save(world));
  return { world, saves };
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
    const [world, copy] = await savedWithCopy(app);
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

describe('saves of one aggregate object in progress at once', () => {
  it('store nothing that follows a version refused as a conflict', async () => {
    const app = new Worlds();
    const [world, other] = await savedWithCopy(app);
    // Another copy takes version 2 first.
    other.makeItSo('theirs');
    await app.save(other);
    // This copy, still at version 1, saves version 2 and, without waiting, version 3.
    world.makeItSo('ours');
    const first = app.save(world);
    world.makeItSo('built on ours');
    const second = app.save(world);
    await expect(first).rejects.toThrow(RecordConflictError);
    const refused = await second.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(EarlierSaveError);
    expect((refused as EarlierSaveError).cause).toBeInstanceOf(RecordConflictError);
    expect((refused as Error).message).toContain(world.id);
    // Version 3 was not stored on top of the other copy's version 2.
    expect((await app.repository.get<World>(world.id)).history).toEqual(['theirs']);
    expect(await app.recorder.maxNotificationId()).toBe(2);
    // Both refused events are pending again, in order.
    expect(world.collectEvents().map((e) => e.originatorVersion)).toEqual([2, 3]);
  });

  it('leave no gap when an earlier one fails, and a retry stores every version in order', async () => {
    const app = scripted([5, true]);
    const world = World.create();
    const first = app.save(world);
    world.makeItSo('dinosaurs');
    const second = app.save(world);
    await expect(first).rejects.toThrow(CipherError);
    await expect(second).rejects.toThrow(EarlierSaveError);
    // Version 2 was not stored without version 1.
    expect(await app.recorder.maxNotificationId()).toBe(0);
    const recordings = await app.save(world);
    expect(recordings.map((r) => [r.notification.id, r.domainEvent.originatorVersion])).toEqual([
      [1, 1],
      [2, 2],
    ]);
    expect((await app.repository.get<World>(world.id)).history).toEqual(['dinosaurs']);
  });

  it('put the events of saves that all fail back in order, before events triggered since', async () => {
    const app = scripted([0, true], [10, true]);
    const world = World.create();
    const first = app.save(world);
    world.makeItSo('a');
    const second = app.save(world);
    world.makeItSo('b');
    // The first save fails, then the second save's own encryption: its events go back behind
    // the first save's, though triggered events were pending by then.
    const [firstOutcome, secondOutcome] = await Promise.allSettled([first, second]);
    expect(firstOutcome.status === 'rejected' && firstOutcome.reason).toBeInstanceOf(CipherError);
    expect(secondOutcome.status === 'rejected' && secondOutcome.reason).toBeInstanceOf(CipherError);
    expect(world.collectEvents().map((e) => e.originatorVersion)).toEqual([1, 2, 3]);
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('record their events in the order they were triggered, whichever was encrypted first', async () => {
    // The first save's event takes longest to encrypt; without waiting, the later saves'
    // events would reach the log before it.
    const app = scripted([20, false], [10, false], [0, false]);
    const { saves } = threeSavesInFlight(app);
    const recordings = (await Promise.all(saves)).flat();
    expect(recordings.map((r) => [r.notification.id, r.domainEvent.originatorVersion])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    const log = await app.log.select(1, 10);
    expect(log.map((n) => n.originatorVersion)).toEqual([1, 2, 3]);
  });

  it('are notified in order, after automatic snapshots that take a while', async () => {
    const notified: string[] = [];
    class Noted extends Worlds {
      protected override notify(recordings: readonly Recording[]): void {
        notified.push(recordings.map((r) => r.domainEvent.originatorVersion).join());
        if (notified.length === 2) throw new Error('test: notify failed after the save was stored');
      }
    }
    // Encrypted one after another: the three events, then the snapshot at version 1, slowly.
    const cipher = new ScriptedCipher([
      { wait: 0, fail: false },
      { wait: 0, fail: false },
      { wait: 0, fail: false },
      { wait: 30, fail: false },
    ]);
    const app = new Noted({ cipher, snapshotting: { intervals: [[World, 1]] } });
    const { world, saves } = threeSavesInFlight(app);
    const outcomes = await Promise.allSettled(saves);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(notified).toEqual(['1', '2', '3']);
    // A notify that fails leaves its save stored, and the next one goes on.
    expect((await app.log.select(1, 10)).map((n) => n.originatorVersion)).toEqual([1, 2, 3]);
    const snapshots = await app.snapshots?.get(world.id);
    expect(snapshots?.map((snapshot) => snapshot.originatorVersion)).toEqual([1, 2, 3]);
  });

  it('may be made from notify, of the aggregates just saved or of ones a later save holds', async () => {
    const a = World.create();
    const b = World.create();
    class Following extends Worlds {
      protected override async notify(recordings: readonly Recording[]): Promise<void> {
        if (recordings[0]?.domainEvent.originatorId !== a.id || recordings.length !== 1) return;
        // Both are held by the second save below, which waits for the first.
        a.makeItSo('from notify');
        b.makeItSo('from notify too');
        await this.save(a, b);
      }
    }
    const app = new Following();
    const first = app.save(a);
    a.makeItSo('second save');
    const second = app.save(a, b);
    const outcome = await Promise.race([
      Promise.allSettled([first, second]).then((all) => all.map((o) => o.status)),
      new Promise((resolve) => {
        setTimeout(() => {
          resolve('still pending after 2 s');
        }, 2_000);
      }),
    ]);
    expect(outcome).toEqual(['fulfilled', 'fulfilled']);
    expect((await app.repository.get<World>(a.id)).history).toEqual(['second save', 'from notify']);
    expect((await app.repository.get<World>(b.id)).history).toEqual(['from notify too']);
  });

  it('that fail at once still end after the saves they follow, so a retry waits for those', async () => {
    // The first save's event is encrypted slowly and fails; the second's fails at once.
    const app = scripted([30, true], [0, true]);
    const world = World.create();
    const settledOrder: string[] = [];
    const first = app.save(world);
    first.catch(() => settledOrder.push('first'));
    world.makeItSo('a');
    const second = app.save(world);
    second.catch(() => settledOrder.push('second'));
    await expect(second).rejects.toThrow(CipherError);
    // The second save failed at once, but rejected only after the first had ended.
    expect(settledOrder).toEqual(['first', 'second']);
    world.makeItSo('b');
    const recordings = await app.save(world);
    expect(recordings.map((r) => [r.notification.id, r.domainEvent.originatorVersion])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
  });

  it('refused down a chain give the error that began it as their cause', async () => {
    const app = scripted([10, true]);
    const { world, saves } = threeSavesInFlight(app);
    const outcomes = await Promise.allSettled(saves);
    const reasons = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error) : undefined));
    expect(reasons[0]).toBeInstanceOf(CipherError);
    expect(reasons[1]).toBeInstanceOf(EarlierSaveError);
    expect(reasons[2]).toBeInstanceOf(EarlierSaveError);
    expect(reasons[1]?.cause).toBe(reasons[0]);
    expect(reasons[2]?.cause).toBe(reasons[0]);
    expect(world.collectEvents().map((e) => e.originatorVersion)).toEqual([1, 2, 3]);
  });

  it('never store a version above a gap, however retries and new saves interleave with a failure', async () => {
    const app = scripted([10, true]);
    const world = World.create();
    const first = app.save(world);
    world.makeItSo('a');
    world.makeItSo('b');
    // Versions 2 and 3, waiting for the first save.
    const second = app.save(world);
    // As soon as the first save rejects, while the second is still ending: a retry (version 1
    // again), then a new event and a save of it (version 4) behind the retry.
    const later = first.then(
      () => {
        throw new Error('the first save was to fail');
      },
      () => {
        const retry = app.save(world);
        world.makeItSo('c');
        return [retry, app.save(world)] as const;
      },
    );
    await expect(second).rejects.toThrow(EarlierSaveError);
    const [retry, fourth] = await later;
    // The retry follows the refused second save, so it is refused too, and so is the save
    // behind it: nothing is stored above versions that are not.
    await expect(retry).rejects.toThrow(EarlierSaveError);
    await expect(fourth).rejects.toThrow(EarlierSaveError);
    expect(await app.recorder.maxNotificationId()).toBe(0);
    expect(world.collectEvents().map((e) => e.originatorVersion)).toEqual([1, 2, 3, 4]);
  });

  it('of different aggregates do not wait for each other, nor fail together', async () => {
    // The first event's encryption waits until the test lets it go, then fails.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    const app = new Worlds({
      cipher: {
        encrypt: async (plaintext: Uint8Array) => {
          if (!first) return plaintext;
          first = false;
          await gate;
          throw new CipherError('test: encryption failed');
        },
        decrypt: async (ciphertext: Uint8Array) => ciphertext,
      },
    });
    const slow = World.create();
    const fast = World.create();
    const failing = app.save(slow);
    let slowEnded = false;
    void failing.catch(() => {
      slowEnded = true;
    });
    // Saved while the other save is held, and recorded while it still is: were it to wait,
    // it would wait for ever (bounded here, so that the test fails rather than hangs).
    let timer: ReturnType<typeof setTimeout> | undefined;
    const waited = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error('the save of another aggregate waited for the held save'));
      }, 5_000);
    });
    const recordings = await Promise.race([app.save(fast), waited]);
    clearTimeout(timer);
    expect(recordings.map((r) => r.notification.id)).toEqual([1]);
    expect(slowEnded).toBe(false);
    release();
    await expect(failing).rejects.toThrow(CipherError);
    expect((await app.repository.get<World>(fast.id)).version).toBe(1);
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

  it('go by the interval of each saved aggregate’s own class, and none for a class without one', async () => {
    class Both extends Application {
      static override readonly applicationName = 'Both';
      static override readonly aggregates = [World, Notebook];
    }
    /** Saves a new world and a new notebook, each with `count` events, in one save. */
    async function saveBoth(app: Both, count: number): Promise<[World, Notebook]> {
      const world = World.create();
      const notebook = Notebook.create();
      for (let i = 1; i < count; i++) {
        world.makeItSo(String(i));
        notebook.note(i);
      }
      await app.save(world, notebook);
      return [world, notebook];
    }
    const snapshotted = async (app: Both, id: string): Promise<number[]> =>
      ((await app.snapshots?.get(id)) ?? []).map((s) => s.originatorVersion);

    // Different intervals: at version 2 only the notebook's is passed, at 3 only the world's.
    const app = new Both({
      snapshotting: {
        intervals: [
          [World, 3],
          [Notebook, 2],
        ],
      },
    });
    const [world2, notebook2] = await saveBoth(app, 2);
    expect(await snapshotted(app, world2.id)).toEqual([]);
    expect(await snapshotted(app, notebook2.id)).toEqual([2]);
    const [world3, notebook3] = await saveBoth(app, 3);
    expect(await snapshotted(app, world3.id)).toEqual([3]);
    expect(await snapshotted(app, notebook3.id)).toEqual([3]);
    // An interval for one class only: the other class gets no automatic snapshot.
    const worldsOnly = new Both({ snapshotting: { intervals: [[World, 2]] } });
    const [world, notebook] = await saveBoth(worldsOnly, 4);
    expect(await snapshotted(worldsOnly, world.id)).toEqual([4]);
    expect(await snapshotted(worldsOnly, notebook.id)).toEqual([]);
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
    const notifyError = new Error('test: notify failed');
    let failNotify = false;
    class CachedNotebooks extends Application {
      static override readonly applicationName = 'CachedNotebooks';
      static override readonly aggregates = [Cached];
      protected override notify(recordings: readonly Recording[]): void {
        notified.push(recordings.map((r) => r.notification.id));
        if (failNotify) throw notifyError;
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
    // When notify fails as well, its error is the one the save rejects with.
    failNotify = true;
    notebook.touch();
    notebook.touch();
    expect(await app.save(notebook).catch((e: unknown) => e)).toBe(notifyError);
    expect(notified).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await app.recorder.maxNotificationId()).toBe(4);
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
