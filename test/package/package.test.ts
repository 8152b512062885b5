/**
 * The published package: `npm pack`, installed into a scratch folder, must load every subpath
 * in plain Node, and bundles of its entries must hold only the adapters they import.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
