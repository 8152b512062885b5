/**
 * The seed's application examples on IndexedDB, shared by the Node (fake-indexeddb) and
 * Chromium test files: Worlds, snapshots, the wiki's conflicts, and state that endures
 * after the application is reconstructed; optionally with encryption and compression on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Index, Wiki } from '../../examples/wiki.js';
import { SomethingHappened, World, WorldCreated, Worlds } from '../../examples/world.js';
import {
  Notification,
  RecordConflictError,
  type Application,
  type ApplicationConfig,
} from '../../src/index.js';
import { indexedDb } from '../../src/indexeddb/index.js';
import { expectSeedSection, worldWithHistory } from '../support/worlds.js';

/** The codecs to configure the applications with, if any. */
export type Codecs = () => Pick<ApplicationConfig, 'cipher' | 'compressor'>;

/** A new database name, so tests never share state. */
export function freshDbName(): string {
  return `idb-test-${crypto.randomUUID()}`;
}

/**
 * Defines the seed's examples on IndexedDB.
 *
 * @param label - a title suffix, such as 'plain' or 'encrypted and compressed'
 * @param codecs - the cipher and compressor to use, if any
 */
export function describeIndexedDbExamples(label: string, codecs: Codecs = () => ({})): void {
  const encrypted = label !== 'plain';

  describe(`seed examples on IndexedDB (${label})`, () => {
    const apps: Application[] = [];
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });

    function worlds(dbName: string, config: ApplicationConfig = {}): Worlds {
      const app = new Worlds({ persistence: indexedDb({ dbName }), ...codecs(), ...config });
      apps.push(app);
      return app;
    }

    it('records the history of a world and gets it at each version', async () => {
      const app = worlds(freshDbName());
      const worldId = await worldWithHistory(app);
      expect(await app.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);

      // Versions 1 to 4 give the history up to each; version 5 does not exist, so 4 comes back.
      const expected = [[], ['dinosaurs'], ['dinosaurs', 'trucks'], ['dinosaurs', 'trucks', 'internet']];
      for (const version of [1, 2, 3, 4, 5]) {
        const world = await app.repository.get<World>(worldId, { version });
        expect(world).toBeInstanceOf(World);
        expect(world.version).toBe(Math.min(version, 4));
        expect(world.history).toEqual(expected[Math.min(version, 4) - 1]);
      }
    });

    it('presents the notification log in sections and rebuilds domain events', async () => {
      const app = worlds(freshDbName());
      const worldId = await worldWithHistory(app);

      // "1,10" gives the four notifications there are, as section "1,4" with no next section.
      const section = await app.log.section('1,10');
      expectSeedSection(section, worldId);
      // The stored bytes hold the plain JSON, unless encrypted.
      ['dinosaurs', 'trucks', 'internet'].forEach((what, i) => {
        const text = new TextDecoder().decode(section.items[i + 1]?.state);
        expect(text.includes(what), what).toBe(!encrypted);
      });

      // The mapper rebuilds the domain events from the notifications.
      const first = await app.mapper.toDomainEvent(section.items[0] as Notification);
      expect(first).toBeInstanceOf(WorldCreated);
      expect(first.originatorId).toBe(worldId);
      const last = await app.mapper.toDomainEvent(section.items[3] as Notification);
      expect(last).toBeInstanceOf(SomethingHappened);
      expect(last.originatorId).toBe(worldId);
      expect((last as SomethingHappened).what).toBe('internet');
    });

    it('takes a snapshot and gets the world from it and the events after it', async () => {
      const app = worlds(freshDbName(), { snapshotting: true });
      const worldId = await worldWithHistory(app);
      // No snapshot until one is taken.
      expect(await app.snapshots?.get(worldId)).toEqual([]);
      await app.takeSnapshot(worldId);
      const snapshots = (await app.snapshots?.get(worldId, { desc: true, limit: 1 })) ?? [];
      expect(snapshots.map((s) => [s.originatorId, s.originatorVersion])).toEqual([[worldId, 4]]);

      // A later event is replayed on top of the snapshot: the only event read.
      await app.makeItSo(worldId, 'robots');
      const read = vi.spyOn(app.events, 'get');
      const world = await app.repository.get<World>(worldId);
      const replayed = (await read.mock.results[0]?.value) as { originatorVersion: number }[];
      read.mockRestore();
      expect(replayed.map((e) => e.originatorVersion)).toEqual([5]);
      expect(world.version).toBe(5);
      expect(world.history).toEqual(['dinosaurs', 'trucks', 'internet', 'robots']);
      expect((await app.repository.get<World>(worldId, { version: 2 })).history).toEqual(['dinosaurs']);
    });

    it('keeps its state when the application is reconstructed over the same database', async () => {
      const dbName = freshDbName();
      const keys = codecs();
      const app = worlds(dbName, { snapshotting: true, ...keys });
      const worldId = await worldWithHistory(app);
      await app.takeSnapshot(worldId, { version: 2 });
      await app.close();

      // A new application object, with a new persistence, over the same database.
      const again = worlds(dbName, { snapshotting: true, ...keys });
      expect(await again.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
      expect((await again.snapshots?.get(worldId))?.map((s) => s.originatorVersion)).toEqual([2]);
      expect((await again.log.section('1,10')).id).toBe('1,4');
      // Its next save continues the log.
      await again.makeItSo(worldId, 'robots');
      expect((await again.log.section('1,10')).id).toBe('1,5');
    });

    it('keeps two applications apart in one database', async () => {
      const dbName = freshDbName();
      const one = worlds(dbName);
      const two = worlds(dbName, { name: 'OtherWorlds' });
      await worldWithHistory(one);
      // The other application's log is empty, and starts at 1 when it saves.
      expect((await two.log.section('1,10')).items).toEqual([]);
      await two.createWorld();
      expect((await two.log.section('1,10')).id).toBe('1,1');
      expect((await one.log.section('1,10')).id).toBe('1,4');
    });

    it('refuses wiki pages whose names are taken, writing nothing', async () => {
      const wiki = new Wiki({ persistence: indexedDb({ dbName: freshDbName() }), ...codecs() });
      apps.push(wiki);
      await wiki.createPage('Erth', 'Lorem ipsum...');
      await wiki.renamePage('Erth', 'Earth');
      expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
      await wiki.createPage('Mars', 'Neque porro quisquam...');
      const before = await wiki.recorder.maxNotificationId();

      // Can't create another page using an existing name.
      await expect(wiki.createPage('Earth', 'Dolor sit amet...')).rejects.toBeInstanceOf(RecordConflictError);
      // Can't rename another page to an existing name.
      const error = await wiki.renamePage('Mars', 'Earth').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RecordConflictError);
      expect((error as Error).cause).toMatchObject({ name: 'ConstraintError' });

      // Both pages keep their bodies and names, and nothing of either save was written.
      expect((await wiki.getPage('Earth')).body).toBe('Lorem ipsum...');
      expect((await wiki.getPage('Mars')).body).toBe('Neque porro quisquam...');
      expect((await wiki.getPage('Mars')).name).toBe('Mars');
      expect(await wiki.recorder.maxNotificationId()).toBe(before);
      expect((await wiki.repository.get<Index>(Index.createId('Earth'))).version).toBe(1);
    });
  });
}
