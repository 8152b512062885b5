/**
 * The published package: `npm pack`, installed into a scratch folder, must load every subpath
 * in plain Node, its declarations must type-check in a strict TypeScript project, and bundles of
 * its entries must hold only the adapters they import.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
};
const subpaths = Object.keys(manifest.exports)
  .filter((key) => key !== './package.json')
  .map((key) => (key === '.' ? 'eventsourcing' : `eventsourcing/${key.slice(2)}`));

let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'eventsourcing-pack-'));
  // `npm pack` runs the build (prepack) and writes the tarball users would install.
  execFileSync('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: root, stdio: 'pipe' });
  const tarball = readdirSync(scratch).find((name) => name.endsWith('.tgz'));
  if (tarball === undefined) throw new Error('npm pack wrote no tarball');
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({
      name: 'scratch',
      private: true,
      type: 'module',
      dependencies: { eventsourcing: `file:./${tarball}` },
    }),
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts'], {
    cwd: scratch,
    stdio: 'pipe',
  });
}, 180_000);

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('has an entry for every adapter', () => {
    expect(subpaths).toEqual(
      expect.arrayContaining([
        'eventsourcing',
        'eventsourcing/indexeddb',
        'eventsourcing/d1',
        'eventsourcing/cipher',
        'eventsourcing/cipher/noble',
        'eventsourcing/compressor',
      ]),
    );
  });

  it('imports every subpath with plain node', () => {
    const script = `
      const names = ${JSON.stringify(subpaths)};
      for (const name of names) {
        const module = await import(name);
        console.log(name + ' ' + Object.keys(module).length);
      }`;
    const out = execFileSync('node', ['--input-type=module', '-e', script], {
      cwd: scratch,
      encoding: 'utf8',
    });
    for (const name of subpaths) expect(out).toMatch(new RegExp(`^${name} [1-9]\\d*$`, 'm'));
  });

  it('runs the Worlds example from the built core in plain node', () => {
    const script = `
      import { Aggregate, AggregateCreated, AggregateEvent, Application } from 'eventsourcing';
      class Created extends AggregateCreated { static topic = 'World.Created'; }
      class Happened extends AggregateEvent {
        static topic = 'World.SomethingHappened';
        apply(world) { world.history.push(this.what); }
      }
      class World extends Aggregate {
        static topic = 'World';
        static events = [Created, Happened];
        history = [];
        static create() { return this.createAggregate(Created, {}); }
        makeItSo(what) { this.triggerEvent(Happened, { what }); }
      }
      class Worlds extends Application {
        static applicationName = 'Worlds';
        static aggregates = [World];
      }
      const app = new Worlds();
      const world = World.create();
      world.makeItSo('dinosaurs');
      await app.save(world);
      const section = await app.log.section('1,10');
      console.log(section.id, (await app.repository.get(world.id)).history.join());`;
    const out = execFileSync('node', ['--input-type=module', '-e', script], {
      cwd: scratch,
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('1,2 dinosaurs');
  });
});

/** A TypeScript project's use of the installed package, every subpath but `indexeddb`. */
const TYPED_USE = `
import {
  Aggregate,
  AggregateCreated,
  AggregateEvent,
  Application,
  NotificationLogReader,
  RecordConflictError,
  type Recording,
} from 'eventsourcing';
import { d1, type D1DatabaseLike } from 'eventsourcing/d1';
import { AesGcmCipher } from 'eventsourcing/cipher';
import { NobleAesGcmCipher } from 'eventsourcing/cipher/noble';
import { ZlibCompressor } from 'eventsourcing/compressor';

export class WorldCreated extends AggregateCreated<World> {
  static readonly topic = 'World.Created';
}
export class SomethingHappened extends AggregateEvent<World> {
  static readonly topic = 'World.SomethingHappened';
  declare readonly what: string;
  override apply(world: World): void {
    world.history.push(this.what);
  }
}
export class World extends Aggregate {
  static readonly topic = 'World';
  static readonly events = [WorldCreated, SomethingHappened];
  history: string[] = [];
  static create(): World {
    return this.createAggregate(WorldCreated, {});
  }
  makeItSo(what: string): void {
    this.triggerEvent(SomethingHappened, { what });
  }
}
export class Worlds extends Application {
  static override readonly applicationName = 'Worlds';
  static override readonly aggregates = [World];
  protected override notify(recordings: readonly Recording<AggregateEvent>[]): void {
    void recordings;
  }
}
export async function use(database: D1DatabaseLike): Promise<string[]> {
  const key = AesGcmCipher.createKey(32);
  const app = new Worlds({ cipher: new NobleAesGcmCipher(key), compressor: new ZlibCompressor({ level: 9 }) });
  const world = World.create();
  world.makeItSo('dinosaurs');
  try {
    await app.save(world);
  } catch (error) {
    if (!(error instanceof RecordConflictError)) throw error;
  }
  for await (const page of new NotificationLogReader(app.log).select({ start: 1 })) void page;
  new Worlds({ persistence: d1({ database }), cipher: new AesGcmCipher(key) });
  return (await app.repository.get<World>(world.id, { version: 2 })).history;
}
`;

/** A TypeScript project's use of `eventsourcing/indexeddb`. */
const TYPED_INDEXEDDB = `
import { indexedDb, type NotificationBroadcast } from 'eventsourcing/indexeddb';
export const persistence = indexedDb({ dbName: 'worlds', durability: 'relaxed' });
export const last: Promise<number> = persistence.applicationRecorder('Worlds').maxNotificationId();
export type Message = NotificationBroadcast;
`;

const parsedDeclarations = new Map<string, ts.SourceFile | undefined>();

/** Type-checks files in the scratch project, as a Node project would; returns the messages. */
function typeCheck(files: Record<string, string>, lib: string[]): string[] {
  const names = Object.keys(files).map((name) => join(scratch, name));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(scratch, name), text);
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib,
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    verbatimModuleSyntax: true,
    // The default libraries are TypeScript's own: only the package's declarations are in question.
    skipDefaultLibCheck: true,
    noEmit: true,
    // Node's types, from this repository: the scratch project installs only the package.
    typeRoots: [join(root, 'node_modules/@types')],
    types: ['node'],
  };
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  // Declaration files are parsed once for every check (Node's types are most of the time).
  host.getSourceFile = (name, version, onError, create) => {
    if (!name.endsWith('.d.ts')) return getSourceFile(name, version, onError, create);
    const key = `${name}|${JSON.stringify(version)}`;
    if (!parsedDeclarations.has(key))
      parsedDeclarations.set(key, getSourceFile(name, version, onError, create));
    return parsedDeclarations.get(key);
  };
  const program = ts.createProgram({ rootNames: names, options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .map(
      (d) =>
        `${d.file === undefined ? '' : `${d.file.fileName}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
}

describe('the packed type declarations', () => {
  const files = { 'use.ts': TYPED_USE, 'use-indexeddb.ts': TYPED_INDEXEDDB };

  it('type-check in a strict Node project without DOM, but for those of indexeddb', () => {
    const messages = typeCheck(files, ['lib.es2022.d.ts']);
    // Only eventsourcing/indexeddb's declarations, and idb's they import, name IndexedDB's types:
    // the README says to add DOM for it.
    expect(messages.filter((m) => m.includes('/eventsourcing/dist/indexeddb/')).length).toBeGreaterThan(0);
    const elsewhere = messages.filter(
      (m) =>
        !/\/node_modules\/(eventsourcing\/dist\/indexeddb|idb)\/[^:]*: Cannot find name '(IDB|DOMStringList)/.test(
          m,
        ),
    );
    expect(elsewhere).toEqual([]);
  });

  it('type-check in a strict Node project with DOM in its lib', () => {
    expect(typeCheck(files, ['lib.es2022.d.ts', 'lib.dom.d.ts'])).toEqual([]);
  });
});

/** Bundles entry modules of the installed package, minified, and returns the code. */
async function bundle(imports: string[]): Promise<string> {
  const entry = join(scratch, `entry-${String(imports.length)}-${String(Date.now())}.js`);
  writeFileSync(entry, imports.map((name) => `export * from '${name}';`).join('\n'));
  const result = await build({
    root: scratch,
    logLevel: 'silent',
    configFile: false,
    build: {
      write: false,
      minify: true,
      lib: { entry, formats: ['es'], fileName: 'bundle' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as {
    output: { type: string; code?: string }[];
  }[];
  return outputs
    .flatMap((r) => r.output)
    .map((chunk) => chunk.code ?? '')
    .join('\n');
}

describe('bundles hold only the adapters they import', () => {
  const idbMarkers = ['indexedDB', 'IDBKeyRange'];
  const d1Markers = ['CREATE TABLE', '.batch('];

  it('the core alone has no IndexedDB and no D1 SQL', async () => {
    const code = await bundle(['eventsourcing']);
    for (const marker of [...idbMarkers, ...d1Markers]) expect(code, marker).not.toContain(marker);
    expect(code).toContain('RecordConflictError');
  });

  it('core + IndexedDB has IndexedDB (so the search can find it) and no D1 SQL', async () => {
    const code = await bundle(['eventsourcing', 'eventsourcing/indexeddb']);
    for (const marker of idbMarkers) expect(code, marker).toContain(marker);
    for (const marker of d1Markers) expect(code, marker).not.toContain(marker);
  });

  it('core + D1 has D1 SQL (so the search can find it) and no IndexedDB', async () => {
    const code = await bundle(['eventsourcing', 'eventsourcing/d1']);
    for (const marker of d1Markers) expect(code, marker).toContain(marker);
    for (const marker of idbMarkers) expect(code, marker).not.toContain(marker);
  });
});
