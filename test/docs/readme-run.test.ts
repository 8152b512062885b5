/**
 * Runs README.md's ts blocks that need no network, browser or Worker, in Node (the IndexedDB
 * ones over fake-indexeddb), and checks that each does what the text around it says, so that a
 * block which still type-checks but no longer does what it claims fails here.
 *
 * A block runs as the module `readme.test.ts` type-checks (the blocks it continues included),
 * written to test-results/readme-run/ with its imports of `eventsourcing` pointed at `src/`,
 * the givens it uses defined in front of it, and the names the checks need exported after it.
 * The blocks not run here are checked elsewhere: the Worker and the remote log in workerd
 * (`test/workers/`), the wiki and upcasts by the tests of their examples, the call of the
 * conformance suite by `test/recorders/memory.test.ts`, the written migration by the Worker
 * example's test.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import 'fake-indexeddb/auto';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SomethingHappened, World, Worlds } from '../../examples/world.js';
import { indexedDb } from '../../src/indexeddb/index.js';
import {
  Aggregate,
  Application,
  type AggregateClass,
  DomainEvent,
  Notification,
  Snapshot,
  TranscodingError,
  fromBase64,
  type Section,
} from '../../src/index.js';
import { RELATIVE, packageEntries, plan, readBlocks, root, type Unit } from './readme-blocks.js';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const { units } = plan(readBlocks(readme));
const entries = packageEntries();
const outDir = join(root, 'test-results/readme-run');
mkdirSync(outDir, { recursive: true });
const utf8 = new TextDecoder();

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

/** The one module of the README that has this line. */
function unitWith(line: string): Unit {
  const found = units.filter((unit) => unit.text.split('\n').some((text) => text.trim() === line));
  const [unit] = found;
  if (found.length !== 1 || unit === undefined) {
    throw new Error(`README.md: ${String(found.length)} ts blocks have the line ${line}`);
  }
  return unit;
}

/** Points the package's and the README's relative imports at the files they stand for. */
function pointImports(code: string): string {
  return code.replace(/\b(from |import )'([^']+)'/g, (whole, keyword: string, specifier: string) => {
    const target = entries.get(specifier) ?? RELATIVE[specifier];
    return target === undefined ? whole : `${keyword}'${target}'`;
  });
}

/**
 * Runs the README module that has a line, after the givens, and returns the names it exports.
 *
 * @param line - a line of the module, to find it by
 * @param names - the names of the module to export
 * @param givens - code run before the module: what the README leaves to the reader
 */
async function run(line: string, names: readonly string[], givens = ''): Promise<Record<string, unknown>> {
  const unit = unitWith(line);
  const fence = unit.parts[0]?.block.fence ?? 0;
  const file = join(outDir, `block-${String(fence)}.ts`);
  writeFileSync(
    file,
    `${pointImports(givens)}\n${pointImports(unit.text)}\nexport { ${names.join(', ')} };\n`,
  );
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

function bytesOf(section: Section): string[] {
  return section.items.map((item) => utf8.decode(item.state));
}

describe('README.md ts blocks, run', () => {
  it("the guide's World and Worlds are examples/world.ts's, as the guide says", () => {
    const code = (text: string): string[] =>
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => !/^(import |\/\*\*|\*|$)/.test(line));
    const guide = unitWith('const history = await app.getWorldHistory(worldId);').text;
    const classes = guide.slice(0, guide.indexOf('const app = new Worlds();'));
    expect(code(classes)).toEqual(code(readFileSync(join(root, 'examples/world.ts'), 'utf8')));
  });

  it('the guide (aggregates, application, repository, log, reader) gives the values it states', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const module = await run('const exists = await app.repository.contains(worldId); // true', [
      'worldId',
      'history',
      'latest',
      'v1',
      'v2',
      'v5',
      'exists',
      'section',
      'event',
      'notifications',
      'position',
    ]);
    const printed = log.mock.calls.map((args) => args.join(' '));
    log.mockRestore();
    const worldId = module.worldId as string;
    expect(module.history).toEqual(['dinosaurs', 'trucks', 'internet']);
    // version 4, 3 items of history
    expect((module.latest as World).version).toBe(4);
    expect((module.latest as World).history).toHaveLength(3);
    // version 1, no history; history ends 'dinosaurs'; there is no version 5: version 4
    expect((module.v1 as World).version).toBe(1);
    expect((module.v1 as World).history).toEqual([]);
    expect((module.v2 as World).history.at(-1)).toBe('dinosaurs');
    expect((module.v5 as World).version).toBe(4);
    expect(module.exists).toBe(true);
    // section '1,4', no next section, and what its items hold
    const section = module.section as Section;
    expect(section.id).toBe('1,4');
    expect(section.nextId).toBeNull();
    const first = section.items[0];
    expect(first).toBeInstanceOf(Notification);
    expect(first).toMatchObject({
      id: 1,
      originatorId: worldId,
      originatorVersion: 1,
      topic: 'World.Created',
    });
    expect(first?.state).toBeInstanceOf(Uint8Array);
    expect(bytesOf(section)[1]).toContain('dinosaurs');
    // the fourth item is a SomethingHappened: 'internet'
    // (the module's own class, which it exports: it defines World and its events itself)
    expect(module.event).toBeInstanceOf(module.SomethingHappened as typeof SomethingHappened);
    expect((module.event as SomethingHappened).what).toBe('internet');
    expect(module.notifications as Notification[]).toHaveLength(4);
    // The reader printed the happenings, and kept the position of the last notification.
    expect(printed).toEqual(['dinosaurs', 'trucks', 'internet']);
    expect(module.position).toBe(4);
  });

  it('the snapshot example stores a snapshot at version 4', async () => {
    const module = await run(
      'await app.takeSnapshot(worldId);',
      ['app', 'worldId', 'snapshot'],
      "import { Worlds } from './worlds.js';",
    );
    expect(module.snapshot).toBeInstanceOf(Snapshot);
    expect((module.snapshot as Snapshot).originatorVersion).toBe(4);
    const app = module.app as Worlds;
    expect(await app.getWorldHistory(module.worldId as string)).toEqual(['dinosaurs', 'trucks', 'internet']);
  });

  it('configuring persistence: each config constructs, and a memory store outlives its application', async () => {
    const module = await run(
      'const again = new Worlds({ persistence: store, snapshotting: true });',
      ['again', 'worldId', 'store'],
      `import { Worlds } from './worlds.js';
      const refuse = () => {
        throw new Error('no D1 here');
      };
      const env = { DB: { prepare: refuse, batch: refuse } };`,
    );
    const again = module.again as Worlds;
    const worldId = module.worldId as string;
    expect(await again.getWorldHistory(worldId)).toEqual(['dinosaurs', 'trucks', 'internet']);
    // The snapshot taken at version 2 by the closed application is there for the new one.
    const snapshots = await again.snapshots?.get(worldId);
    expect(snapshots?.map((snapshot) => snapshot.originatorVersion)).toEqual([2]);
  });

  it("custom transcodings: a diary entry's day is stored as the text says, and read back", async () => {
    const module = await run('transcoder.register(new CalendarDateAsIso());', [
      'MyApplication',
      'Diary',
      'CalendarDate',
    ]);
    type DiaryLike = Aggregate & { days: unknown[]; addEntry(day: unknown): void };
    const MyApplication = module.MyApplication as new () => Application;
    const Diary = module.Diary as AggregateClass & { create(): DiaryLike };
    const CalendarDate = module.CalendarDate as new (iso: string) => { iso: string };
    const app = new MyApplication();
    const diary = Diary.create();
    diary.addEntry(new CalendarDate('2024-02-29'));
    await app.save(diary);
    const stored = bytesOf(await app.log.section('1,10'))[1];
    expect(stored).toContain('"day":{"_type_":"date_iso","_data_":"2024-02-29"}');
    const back = await app.repository.get<DiaryLike>(diary.id);
    expect(back.days).toEqual([new CalendarDate('2024-02-29')]);
    expect(back.days[0]).toBeInstanceOf(CalendarDate);

    // Without the transcoding: a TranscodingError naming the type, and nothing written.
    class Plain extends Application {
      static override readonly applicationName = 'Plain';
      static override readonly aggregates = [Diary];
    }
    const plain = new Plain();
    const other = Diary.create();
    other.addEntry(new CalendarDate('2024-02-29'));
    const error = await plain.save(other).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TranscodingError);
    expect((error as Error).message).toContain(
      'object of type CalendarDate is not serializable; register a custom transcoding for this type',
    );
    expect(await plain.recorder.maxNotificationId()).toBe(0);
  });

  it('notify sees every recording of each save', async () => {
    const module = await run(
      'if (domainEvent instanceof SomethingHappened) this.happenings += 1;',
      ['CountingWorlds'],
      "import { SomethingHappened, Worlds } from './worlds.js';",
    );
    const CountingWorlds = module.CountingWorlds as new () => Worlds & {
      happenings: number;
      lastNotificationId: number;
    };
    const app = new CountingWorlds();
    const worldId = await app.createWorld();
    await app.makeItSo(worldId, 'dinosaurs');
    await app.makeItSo(worldId, 'trucks');
    expect(app.happenings).toBe(2);
    expect(app.lastNotificationId).toBe(3);
  });

  it('encryption and compression: the log holds no plaintext, and the events read the same', async () => {
    const module = await run(
      'const key = AesGcmCipher.createKey(32); // base64 of 32 random bytes; keep it secret',
      ['app', 'key'],
      "import { Worlds } from './worlds.js';",
    );
    expect(fromBase64(module.key as string)).toHaveLength(32);
    const app = module.app as Worlds;
    const worldId = await app.createWorld();
    await app.makeItSo(worldId, 'dinosaurs');
    const section = await app.log.section('1,10');
    expect(section.items).toHaveLength(2);
    for (const text of bytesOf(section)) expect(text).not.toContain('World');
    expect(bytesOf(section).join()).not.toContain('dinosaurs');
    const event = await app.mapper.toDomainEvent(section.items[1] as Notification);
    expect(event).toBeInstanceOf(SomethingHappened);
    expect((event as SomethingHappened).what).toBe('dinosaurs');
    expect(await app.getWorldHistory(worldId)).toEqual(['dinosaurs']);
  });
});

describe('README.md IndexedDB blocks, run over fake-indexeddb', () => {
  it('a new application over the same database sees what the first saved', async () => {
    const module = await run(
      "await again.getWorldHistory(worldId); // ['dinosaurs']",
      ['app', 'again', 'worldId'],
      "import 'fake-indexeddb/auto';",
    );
    const again = module.again as Worlds;
    expect(await again.getWorldHistory(module.worldId as string)).toEqual(['dinosaurs']);
    await (module.app as Worlds).close();
    await again.close();
    await deleteDatabase('worlds');
  });

  it("the broadcast: a tab shows what was saved before it listened, then another tab's saves", async () => {
    const module = await run(
      'await pull(); // what was saved before this tab listened',
      ['app', 'channel', 'shown', 'before', 'seen'],
      `import 'fake-indexeddb/auto';
      import { type DomainEvent } from 'eventsourcing';
      import { indexedDb } from 'eventsourcing/indexeddb';
      import { Worlds } from './worlds.js';
      const app = new Worlds({ persistence: indexedDb({ dbName: 'worlds' }) });
      const before = await app.createWorld();
      const shown: DomainEvent[] = [];
      function show(event: DomainEvent): void {
        shown.push(event);
      }`,
    );
    const shown = module.shown as DomainEvent[];
    const before = module.before as string;
    const topics = () => shown.map((event) => (event.constructor as { topic?: string }).topic);
    // The pull at start-up showed the world created before the tab listened.
    expect(topics()).toEqual(['World.Created']);
    expect(shown[0]?.originatorId).toBe(before);

    // Another tab: another application object over the same database, posting on its own channel.
    const otherTab = new Worlds({ persistence: indexedDb({ dbName: 'worlds' }) });
    await otherTab.makeItSo(before, 'dinosaurs');
    await otherTab.makeItSo(before, 'trucks');
    await expect
      .poll(() => shown.map((event) => (event instanceof SomethingHappened ? event.what : '')))
      .toEqual(['', 'dinosaurs', 'trucks']);
    expect(module.seen).toBe(3);

    (module.channel as BroadcastChannel).close();
    await otherTab.close();
    await (module.app as Worlds).close();
    await deleteDatabase('worlds');
  });

  it('moving events to another store: every event and snapshot, read back the same, encrypted', async () => {
    const module = await run(
      'for (const id of aggregateIds) await to.snapshots!.put(await from.snapshots!.get(id));',
      ['to', 'aggregateIds', 'worldIds'],
      `import 'fake-indexeddb/auto';
      import { AesGcmCipher as KeyMaker } from 'eventsourcing/cipher';
      import { indexedDb as database } from 'eventsourcing/indexeddb';
      import { Worlds } from './worlds.js';
      const key = KeyMaker.createKey(32);
      // The old store: three worlds of three happenings, a snapshot of the first.
      const old = new Worlds({ persistence: database({ dbName: 'worlds' }), snapshotting: true });
      const worldIds: string[] = [];
      for (let i = 0; i < 3; i++) {
        const id = await old.createWorld();
        for (const what of ['dinosaurs', 'trucks', 'internet']) await old.makeItSo(id, what);
        worldIds.push(id);
      }
      await old.takeSnapshot(worldIds[0] as string);
      await old.close();`,
    );
    const to = module.to as Worlds;
    const worldIds = module.worldIds as string[];
    expect(module.aggregateIds).toEqual(worldIds);
    expect(await to.recorder.maxNotificationId()).toBe(12);
    for (const id of worldIds) {
      expect(await to.getWorldHistory(id)).toEqual(['dinosaurs', 'trucks', 'internet']);
    }
    const snapshots = await to.snapshots?.get(worldIds[0] as string);
    expect(snapshots?.map((snapshot) => snapshot.originatorVersion)).toEqual([4]);
    // The new store holds ciphertext: no JSON, no happening.
    const stored = bytesOf(await to.log.section('1,10'));
    for (const text of stored) expect(text).not.toContain('"timestamp"');
    expect(stored.join()).not.toContain('dinosaurs');
    await to.close();
    await deleteDatabase('worlds');
    await deleteDatabase('worlds-2');
  });

  it("signing out: close(), then the user's database is deleted", async () => {
    const module = await run(
      "const request = indexedDB.deleteDatabase('worlds-alice');",
      ['app'],
      "import 'fake-indexeddb/auto';\nimport { Worlds } from './worlds.js';",
    );
    expect(module.app).toBeInstanceOf(Worlds);
    const names = (await indexedDB.databases()).map((database) => database.name);
    expect(names).not.toContain('worlds-alice');
    // A new application over the name starts from an empty log: the world is gone.
    const again = new Worlds({ persistence: indexedDb({ dbName: 'worlds-alice' }) });
    expect(await again.recorder.maxNotificationId()).toBe(0);
    await again.close();
    await deleteDatabase('worlds-alice');
  });
});

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => {
      resolve();
    };
    request.onerror = () => {
      reject(request.error ?? new Error(`could not delete ${name}`));
    };
  });
}
