/**
 * The seed's application examples on D1 inside workerd, with state compressed and encrypted.
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { Wiki } from '../../examples/wiki.js';
import { World, Worlds } from '../../examples/world.js';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { d1 } from '../../src/d1/index.js';
import { RecordConflictError, type ApplicationConfig } from '../../src/index.js';
import { freshName } from '../recorders/recorder.suite.js';
import { expectSeedSection, worldWithHistory } from '../support/worlds.js';

const key = AesGcmCipher.createKey(32);

/** A config on D1 with compression and encryption, under a name no other test uses. */
function config(name: string, extra: ApplicationConfig = {}): ApplicationConfig {
  return {
    name,
    persistence: d1({ database: env.DB }),
    cipher: new AesGcmCipher(key),
    compressor: new ZlibCompressor(),
    ...extra,
  };
}

describe('the seed examples on D1', () => {
  it('runs Worlds: history, versions and the notification log', async () => {
    const app = new Worlds(config(freshName()));
    // Create a world and make three things happen in it.
    const worldId = await worldWithHistory(app);
    expect(await app.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
    // Each version gives the world as it was then.
    const world = await app.repository.get<World>(worldId, { version: 2 });
    expect([world.version, world.history]).toEqual([2, ['dinosaurs']]);
    // The log has four notifications: section "1,10" is "1,4" with no next section.
    const section = await app.log.section('1,10');
    expectSeedSection(section, worldId);
    // The stored state is not readable without the key.
    for (const n of section.items) expect(new TextDecoder().decode(n.state)).not.toContain('dinosaurs');
    const events = await Promise.all(section.items.map((n) => app.mapper.toDomainEvent(n)));
    expect(events.map((e) => e.originatorVersion)).toEqual([1, 2, 3, 4]);
  });

  it('takes snapshots and reads from them, across application objects', async () => {
    const name = freshName();
    const app = new Worlds(config(name, { snapshotting: true }));
    const worldId = await worldWithHistory(app);
    // Enabling snapshotting takes none by itself; take_snapshot stores one at version 4.
    expect(await app.snapshots?.get(worldId)).toEqual([]);
    await app.takeSnapshot(worldId);
    await app.takeSnapshot(worldId, { version: 2 });
    const snapshots = (await app.snapshots?.get(worldId)) ?? [];
    expect(snapshots.map((s) => s.originatorVersion)).toEqual([2, 4]);
    // A new application over the same database, as in the next request, reads the same world.
    await app.close();
    const again = new Worlds(config(name, { snapshotting: true }));
    expect(await again.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
    const read = vi.spyOn(again.events, 'get');
    const atThree = await again.repository.get<World>(worldId, { version: 3 });
    // From the snapshot at version 2: version 3 is the only event read.
    const replayed = (await read.mock.results[0]?.value) as { originatorVersion: number }[];
    read.mockRestore();
    expect(replayed.map((e) => e.originatorVersion)).toEqual([3]);
    expect(atThree.history).toEqual(['dinosaurs', 'trucks']);
    // Snapshotting the same version twice is a conflict, as in the event table.
    await expect(again.takeSnapshot(worldId)).rejects.toBeInstanceOf(RecordConflictError);
  });

  it('takes automatic snapshots at an interval', async () => {
    const app = new Worlds(config(freshName(), { snapshotting: { intervals: [[World, 5]] } }));
    const worldId = await app.createWorld();
    for (let i = 0; i < 11; i++) await app.makeItSo(worldId, `event ${String(i)}`);
    // Versions 5 and 10 were passed: one snapshot each.
    const snapshots = (await app.snapshots?.get(worldId)) ?? [];
    expect(snapshots.map((s) => s.originatorVersion)).toEqual([5, 10]);
    expect((await app.getWorldHistory(worldId)).length).toBe(11);
  });

  it('refuses wiki saves that would take a name twice, and changes nothing', async () => {
    const wiki = new Wiki(config(freshName()));
    await wiki.createPage('Earth', 'Blue planet');
    await wiki.createPage('Mars', 'Red planet');
    // Creating "Earth" again conflicts on its index entry: nothing of the save is written.
    await expect(wiki.createPage('Earth', 'Another')).rejects.toBeInstanceOf(RecordConflictError);
    // Renaming "Mars" to "Earth" conflicts the same way.
    await expect(wiki.renamePage('Mars', 'Earth')).rejects.toBeInstanceOf(RecordConflictError);
    expect((await wiki.getPage('Earth')).body).toBe('Blue planet');
    expect((await wiki.getPage('Mars')).body).toBe('Red planet');
    expect((await wiki.getPage('Mars')).name).toBe('Mars');
    // Only the four events of the two creations are in the log.
    expect(await wiki.recorder.maxNotificationId()).toBe(4);
    // A rename to a free name works.
    await wiki.renamePage('Mars', 'Ares');
    expect((await wiki.getPage('Ares')).body).toBe('Red planet');
  });
});
