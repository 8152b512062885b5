/**
 * An application's close(): nothing the application began writes after it resolves (a
 * recorder that reopens when used would otherwise write then). A save or snapshot that has
 * not reached its recorder is refused; one whose recorder call began is waited for.
 */
import { describe, expect, it, vi } from 'vitest';
import { CipherError, OperationalError, type Cipher, type Recording } from '../../src/index.js';
import { World, Worlds } from '../../examples/world.js';

/** A cipher whose encryptions wait until the test lets them end, passing or failing. */
class GatedCipher implements Cipher {
  #open!: (fail: boolean) => void;
  #gate = this.#newGate();
  /** How many encryptions are waiting. */
  waiting = 0;

  #newGate(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      this.#open = resolve;
    });
  }

  /**
   * Lets the waiting encryptions end.
   *
   * @param fail - whether they fail
   */
  release(fail = false): void {
    this.#open(fail);
    this.#gate = this.#newGate();
  }

  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    this.waiting++;
    const fail = await this.#gate;
    this.waiting--;
    if (fail) throw new CipherError('test: encryption failed');
    return plaintext;
  }

  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    return ciphertext;
  }
}

/** Waits a few turns of the event loop, for whatever is not held to run. */
async function turns(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** An application over a gated cipher, with its recorder's close() watched. */
function gated(config: { snapshotting?: boolean } = {}): {
  app: Worlds;
  cipher: GatedCipher;
  order: string[];
} {
  const cipher = new GatedCipher();
  const app = new Worlds({ ...config, cipher });
  const order: string[] = [];
  vi.spyOn(app.recorder, 'close').mockImplementation(async () => {
    order.push('recorder closed');
  });
  for (const [recorder, what] of [
    [app.recorder, 'events recorded'],
    [app.snapshots?.recorder, 'snapshot recorded'],
  ] as const) {
    if (recorder === undefined) continue;
    const insert = recorder.insertEvents.bind(recorder);
    vi.spyOn(recorder, 'insertEvents').mockImplementation(async (events) => {
      const ids = await insert(events);
      order.push(what);
      return ids;
    });
  }
  return { app, cipher, order };
}

/** Calls an application's close(), noting when it resolves. */
function startClose(app: Worlds): { closing: Promise<void>; closed: () => boolean } {
  let resolved = false;
  const closing = app.close().then(() => {
    resolved = true;
  });
  return { closing, closed: () => resolved };
}

/** Holds the recorder's inserts until the test lets them go on. */
function holdInserts(app: Worlds): { release: () => void; held: () => number } {
  const insert = app.recorder.insertEvents.bind(app.recorder);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  let held = 0;
  vi.spyOn(app.recorder, 'insertEvents').mockImplementation(async (events) => {
    held++;
    await gate;
    return insert(events);
  });
  return { release: open, held: () => held };
}

describe("an application's close()", () => {
  it('refuses the saves that have not reached their recorder, those begun meanwhile too', async () => {
    const { app, cipher, order } = gated();
    const world = World.create();
    const first = app.save(world).catch((e: unknown) => e);
    const { closing, closed } = startClose(app);
    // A save begun while close() waits is refused too.
    const other = World.create();
    const second = app.save(other).catch((e: unknown) => e);
    await turns();
    expect(cipher.waiting).toBe(2);
    expect(closed()).toBe(false);
    cipher.release();
    await closing;
    for (const error of [await first, await second]) {
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(
        /^application Worlds: close\(\) was called before this save reached its recorder; nothing of it was written$/,
      );
    }
    // Nothing written; the events are back on their aggregates. The recorders were closed at
    // once, and again once nothing was in progress (a read may have opened them again).
    expect(order).toEqual(['recorder closed', 'recorder closed']);
    expect(await app.recorder.maxNotificationId()).toBe(0);
    expect([world.collectEvents().length, other.collectEvents().length]).toEqual([1, 1]);
    // After close() has resolved, the application saves again (a recorder reopens when used).
    const again = app.save(World.create());
    cipher.release();
    expect(await again).toHaveLength(1);
  });

  it('waits for a save whose recorder call began before it', async () => {
    const app = new Worlds({ snapshotting: { intervals: [[World, 1]] } });
    const hold = holdInserts(app);
    const world = World.create();
    const saving = app.save(world);
    await turns();
    expect(hold.held()).toBe(1);
    const { closing, closed } = startClose(app);
    await turns();
    expect(closed()).toBe(false);
    hold.release();
    // Recorded before close() resolved; its automatic snapshot is not taken once close() is called.
    expect(await saving).toHaveLength(1);
    await closing;
    expect(await app.recorder.maxNotificationId()).toBe(1);
    expect(await app.snapshots?.get(world.id)).toEqual([]);
  });

  it('closes the snapshot recorder as it closes the event recorder, at once and once nothing is in progress', async () => {
    const { app, cipher, order } = gated({ snapshotting: true });
    const snapshots = app.snapshots?.recorder;
    if (snapshots === undefined) throw new Error('test: snapshotting is on');
    const closeSnapshots = vi.spyOn(snapshots, 'close');
    const saving = app.save(World.create()).catch((e: unknown) => e);
    const { closing } = startClose(app);
    await turns();
    expect([order, closeSnapshots.mock.calls.length]).toEqual([['recorder closed'], 1]);
    cipher.release();
    await closing;
    expect([order, closeSnapshots.mock.calls.length]).toEqual([['recorder closed', 'recorder closed'], 2]);
    expect(await saving).toBeInstanceOf(OperationalError);
  });

  it('refuses a snapshot that has not reached its recorder', async () => {
    const { app, cipher, order } = gated({ snapshotting: true });
    const world = World.create();
    const saving = app.save(world);
    cipher.release();
    await saving;
    expect(order).toEqual(['events recorded']);
    const snapshotting = app.takeSnapshot(world.id).catch((e: unknown) => e);
    await turns();
    expect(cipher.waiting).toBe(1);
    const { closing, closed } = startClose(app);
    await turns();
    expect(closed()).toBe(false);
    cipher.release();
    await closing;
    expect(await snapshotting).toBeInstanceOf(OperationalError);
    expect(((await snapshotting) as Error).message).toMatch(/before this snapshot reached its recorder/);
    expect(order).toEqual(['events recorded', 'recorder closed', 'recorder closed']);
    expect(await app.snapshots?.get(world.id)).toEqual([]);
  });

  it('refuses a snapshot begun after it, before reading anything, and a save queued behind a refused one', async () => {
    const { app, cipher } = gated({ snapshotting: true });
    const world = World.create();
    const saving = app.save(world);
    cipher.release();
    await saving;
    const read = vi.spyOn(app.repository, 'get');
    const closing = app.close();
    const snapshot = await app.takeSnapshot(world.id).catch((e: unknown) => e);
    expect(snapshot).toBeInstanceOf(OperationalError);
    expect(read).not.toHaveBeenCalled();
    await closing;
    // Two saves of one world in flight: the first refused by close(), the second (which waits
    // for the first) refused the same way, not as a failure of the first.
    world.makeItSo('a');
    const first = app.save(world).catch((e: unknown) => e);
    world.makeItSo('b');
    const second = app.save(world).catch((e: unknown) => e);
    const closingAgain = app.close();
    await turns();
    cipher.release();
    await closingAgain;
    for (const error of [await first, await second]) {
      expect(error).toBeInstanceOf(OperationalError);
      expect((error as Error).message).toMatch(/close\(\) was called before this save reached its recorder/);
    }
    expect(world.collectEvents().map((e) => e.originatorVersion)).toEqual([2, 3]);
  });

  it('still waits for what is in progress when closing a recorder fails, then rejects with its error', async () => {
    const { app, cipher } = gated();
    vi.spyOn(app.recorder, 'close').mockRejectedValue(new OperationalError('test: close failed'));
    const saving = app.save(World.create()).catch((e: unknown) => e);
    const closing = app.close().catch((e: unknown) => e);
    await turns();
    cipher.release();
    expect(await closing).toMatchObject({ message: 'test: close failed' });
    expect(await saving).toBeInstanceOf(OperationalError);
    expect(await app.recorder.maxNotificationId()).toBe(0);
  });

  it('does not wait for notify, which may close the application itself', async () => {
    class Closing extends Worlds {
      protected override async notify(recordings: readonly Recording[]): Promise<void> {
        // Waiting here for the save that called notify would never end.
        if (recordings.length > 0) await this.close();
      }
    }
    const app = new Closing();
    const close = vi.spyOn(app.recorder, 'close');
    expect(await app.save(World.create())).toHaveLength(1);
    expect(close).toHaveBeenCalledTimes(1);
  });
});
