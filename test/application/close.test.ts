/**
 * An application's close(): it waits for the saves and snapshots in progress (a recorder that
 * reopens when used would otherwise write after it), then closes its recorders.
 */
import { describe, expect, it, vi } from 'vitest';
import { CipherError, type Cipher, type Recording } from '../../src/index.js';
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

describe("an application's close()", () => {
  it('closes its recorders only once the saves in progress, and those begun meanwhile, have ended', async () => {
    const { app, cipher, order } = gated();
    const first = app.save(World.create());
    const closing = app.close().then(() => order.push('close resolved'));
    await turns();
    expect(order).toEqual([]);
    // A save begun while close() waits is waited for too.
    const second = app.save(World.create());
    await turns();
    expect(cipher.waiting).toBe(2);
    cipher.release();
    await Promise.all([first, second, closing]);
    expect(order).toEqual(['events recorded', 'events recorded', 'recorder closed', 'close resolved']);
    expect(await app.recorder.maxNotificationId()).toBe(2);
  });

  it('waits for a save that fails as for one that is stored', async () => {
    const { app, cipher, order } = gated();
    const world = World.create();
    const saving = app.save(world).catch((e: unknown) => e);
    const closing = app.close().then(() => order.push('close resolved'));
    await turns();
    expect(order).toEqual([]);
    cipher.release(true);
    await Promise.all([saving, closing]);
    expect(await saving).toBeInstanceOf(CipherError);
    expect(order).toEqual(['recorder closed', 'close resolved']);
    // The failed save ended before close() went on: its events were back on the world.
    expect(world.collectEvents()).toHaveLength(1);
  });

  it('waits for a snapshot being taken', async () => {
    const { app, cipher, order } = gated({ snapshotting: true });
    const world = World.create();
    const saving = app.save(world);
    cipher.release();
    await saving;
    expect(order).toEqual(['events recorded']);
    const snapshotting = app.takeSnapshot(world.id);
    const closing = app.close().then(() => order.push('close resolved'));
    await turns();
    expect(order).toEqual(['events recorded']);
    cipher.release();
    await Promise.all([snapshotting, closing]);
    expect(order).toEqual(['events recorded', 'snapshot recorded', 'recorder closed', 'close resolved']);
    expect((await app.snapshots?.get(world.id))?.length).toBe(1);
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
