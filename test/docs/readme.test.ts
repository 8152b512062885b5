/**
 * Type-checks every ```ts block of README.md against the library's source (`src/`), with the
 * project's compiler options, so the documentation cannot go stale unnoticed.
 *
 * How blocks become files (all in memory, type-checked in one program per environment):
 *
 * - Each block is an ES module of its own.
 * - A block right after the comment `<!-- continues -->` is appended to the module of the
 *   ```ts block before it, in the same scope (the guide's World, then Worlds, then the calls on
 *   its `app`).
 * - A block right after `<!-- worker -->` is checked as Cloudflare Worker code: ES2022 and
 *   `@cloudflare/workers-types`, instead of the DOM and Node's types.
 * - A block right after `<!-- not checked: reason -->` is not checked; the tests name it.
 *   Every other block is checked.
 * - Names the README leaves to the reader are declared in GIVENS below (the guide's `World`
 *   and `Worlds`, a running `app` and `worldId`, a Worker's `env`, ...); a module's own
 *   declarations hide them.
 * - `eventsourcing` and its subpaths resolve to `src/` through `package.json`'s exports;
 *   `./worlds.js` and `./recorder.suite.js` resolve to the files the README points to.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
/** Where the blocks' files would be: nothing is written there. */
const blockDir = join(root, 'test/docs/readme');
const givensFile = join(blockDir, 'givens.d.ts');

/** What the README takes as known: a global script, so that modules can hide its names. */
const GIVENS = `
type World = import('../../../examples/world.js').World;
declare const World: typeof import('../../../examples/world.js').World;
declare const SomethingHappened: typeof import('../../../examples/world.js').SomethingHappened;
type Worlds = import('../../../examples/world.js').Worlds;
declare const Worlds: typeof import('../../../examples/world.js').Worlds;
declare const Wiki: typeof import('../../../examples/wiki.js').Wiki;
/** The running example's application and world. */
declare const app: Worlds;
declare const worldId: string;
/** An AES key, as \`AesGcmCipher.createKey(32)\` makes it. */
declare const key: string;
/** A Worker's bindings. */
declare const env: { DB: import('eventsourcing/d1').D1DatabaseLike };
/** The reader's own display, type and aggregate. */
declare function show(event: import('eventsourcing').DomainEvent): void;
declare class CalendarDate {
  static fromIsoString(text: string): CalendarDate;
  toIsoString(): string;
}
declare const Diary: import('eventsourcing').AggregateClass;
`;

/** Relative imports in blocks, and the files they stand for. */
const RELATIVE: Readonly<Record<string, string>> = {
  './worlds.js': join(root, 'examples/world.ts'),
  './recorder.suite.js': join(root, 'test/recorders/recorder.suite.ts'),
};

type Environment = 'browser and node' | 'worker';

interface Block {
  /** README line of the opening fence. */
  readonly fence: number;
  readonly code: string;
  /** The HTML comments just above the fence (blank lines may come between). */
  readonly markers: readonly string[];
}

interface Unit {
  readonly fileName: string;
  environment: Environment;
  /** The blocks in the file, each with the file line (0-based) where its code starts. */
  readonly parts: { block: Block; start: number }[];
  text: string;
}

/** Reads the ```ts blocks of a Markdown text. */
function readBlocks(text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i] ?? '');
    if (open === null) continue;
    const fence = open[1] ?? '```';
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${String(fence.length)},}\\s*$`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end] ?? '')) end++;
    if (open[2] === 'ts') {
      blocks.push({
        fence: i + 1,
        code: lines.slice(i + 1, end).join('\n'),
        markers: markersAbove(lines, i),
      });
    }
    i = end;
  }
  return blocks;
}

function markersAbove(lines: readonly string[], fence: number): string[] {
  const markers: string[] = [];
  for (let j = fence - 1; j >= 0; j--) {
    const line = (lines[j] ?? '').trim();
    if (line === '') continue;
    const comment = /^<!--\s*(.*?)\s*-->$/.exec(line);
    if (comment === null) break;
    markers.unshift(comment[1] ?? '');
  }
  return markers;
}

/** Groups the blocks into files by their markers; `problems` gets any misuse of a marker. */
function plan(blocks: readonly Block[]) {
  const units: Unit[] = [];
  const notChecked: { block: Block; reason: string }[] = [];
  const problems: string[] = [];
  let previous: Unit | undefined;
  for (const block of blocks) {
    let continues = false;
    let environment: Environment = 'browser and node';
    let reason: string | undefined;
    for (const marker of block.markers) {
      const skip = /^not checked:\s*(\S.*)$/.exec(marker);
      if (marker === 'continues') continues = true;
      else if (marker === 'worker') environment = 'worker';
      else if (skip !== null) reason = skip[1];
      else problems.push(`README.md:${block.fence}: unknown marker <!-- ${marker} --> above a ts block`);
    }
    if (reason !== undefined) {
      notChecked.push({ block, reason });
      previous = undefined;
      continue;
    }
    if (continues) {
      if (previous === undefined) {
        problems.push(`README.md:${block.fence}: <!-- continues --> but the ts block before is not checked`);
        continue;
      }
      if (environment === 'worker') {
        problems.push(`README.md:${block.fence}: <!-- worker --> on a block that continues another`);
      }
      previous.parts.push({ block, start: previous.text.split('\n').length });
      previous.text += `\n${block.code}`;
      continue;
    }
    previous = {
      fileName: join(blockDir, `block-${String(block.fence)}.ts`),
      environment,
      parts: [{ block, start: 0 }],
      text: block.code,
    };
    units.push(previous);
  }
  return { units, notChecked, problems };
}

function label(unit: Unit): string {
  return `README.md:${unit.parts.map((part) => String(part.block.fence)).join(', ')}`;
}

/** `eventsourcing` and its subpaths, from package.json's exports, as files in `src/`. */
function packageEntries(): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, { types?: string } | string>;
  };
  const entries = new Map<string, string>();
  for (const [key, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string' || target.types === undefined) continue;
    const source = target.types.replace(/^\.\/dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    if (!existsSync(join(root, source))) throw new Error(`no ${source} for the export ${key}`);
    entries.set(key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`, join(root, source));
  }
  return entries;
}

/** The project's compiler options, for one environment. */
function compilerOptions(environment: Environment): ts.CompilerOptions {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const json = config.config as { compilerOptions: object };
  const { options, errors } = ts.convertCompilerOptionsFromJson(json.compilerOptions, root);
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0]?.messageText, '\n'));
  return {
    ...options,
    noEmit: true,
    moduleDetection: ts.ModuleDetectionKind.Force,
    ...(environment === 'worker'
      ? { lib: ['lib.es2022.d.ts'], types: ['@cloudflare/workers-types'] }
      : { types: ['node'] }),
  };
}

/** Type-checks the files; returns the messages for each file, the givens' under ''. */
function check(units: readonly Unit[]): Map<string, string[]> {
  const entries = packageEntries();
  const messages = new Map<string, string[]>([['', []]]);
  const parsed = new Map<string, ts.SourceFile | undefined>();
  for (const environment of ['browser and node', 'worker'] as const) {
    const mine = units.filter((unit) => unit.environment === environment);
    if (mine.length === 0) continue;
    const options = compilerOptions(environment);
    const virtual = new Map<string, string>([
      [givensFile, GIVENS],
      ...mine.map((u) => [u.fileName, u.text] as const),
    ]);
    const host = ts.createCompilerHost(options, true);
    const getSourceFile = host.getSourceFile.bind(host);
    const fileExists = host.fileExists.bind(host);
    const readFile = host.readFile.bind(host);
    host.getCurrentDirectory = () => root;
    host.fileExists = (name) => virtual.has(name) || fileExists(name);
    host.readFile = (name) => virtual.get(name) ?? readFile(name);
    host.getSourceFile = (name, version, onError, create) => {
      const text = virtual.get(name);
      const settings = typeof version === 'object' ? version : { languageVersion: version };
      if (text !== undefined) return ts.createSourceFile(name, text, settings, true);
      // Library and source files are shared by both programs.
      const key = `${name}|${String(settings.languageVersion)}|${String(settings.impliedNodeFormat)}`;
      if (!parsed.has(key)) parsed.set(key, getSourceFile(name, version, onError, create));
      return parsed.get(key);
    };
    const cache = ts.createModuleResolutionCache(root, (name) => name, options);
    host.resolveModuleNameLiterals = (literals, containingFile, redirected, resolveOptions, containing) =>
      literals.map((literal) => {
        const mapped =
          entries.get(literal.text) ?? (virtual.has(containingFile) ? RELATIVE[literal.text] : undefined);
        if (mapped !== undefined) {
          return {
            resolvedModule: {
              resolvedFileName: mapped,
              extension: ts.Extension.Ts,
              isExternalLibraryImport: false,
            },
          };
        }
        const mode = ts.getModeForUsageLocation(containing, literal, resolveOptions);
        return ts.resolveModuleName(
          literal.text,
          containingFile,
          resolveOptions,
          host,
          cache,
          redirected,
          mode,
        );
      });

    const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
    const own = messages.get('') ?? [];
    for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
      own.push(`${environment}: ${diagnosticText(diagnostic)}`);
    }
    for (const fileName of virtual.keys()) {
      const file = program.getSourceFile(fileName);
      const unit = mine.find((u) => u.fileName === fileName);
      const list = unit === undefined ? own : [];
      if (unit !== undefined) messages.set(fileName, list);
      if (file === undefined) {
        list.push(`${fileName} is not in the program`);
        continue;
      }
      for (const diagnostic of [
        ...program.getSyntacticDiagnostics(file),
        ...program.getSemanticDiagnostics(file),
      ]) {
        list.push(
          unit === undefined
            ? `givens (${environment}): ${diagnosticText(diagnostic)}`
            : locate(unit, file, diagnostic),
        );
      }
    }
  }
  return messages;
}

function diagnosticText(diagnostic: ts.Diagnostic): string {
  return `TS${String(diagnostic.code)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
}

/** A diagnostic with the README line it is on, and that line. */
function locate(unit: Unit, file: ts.SourceFile, diagnostic: ts.Diagnostic): string {
  const line = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line;
  let part = unit.parts[0];
  for (const next of unit.parts) if (next.start <= line) part = next;
  if (part === undefined) return diagnosticText(diagnostic);
  const readmeLine = part.block.fence + 1 + line - part.start;
  const source = unit.text.split('\n')[line]?.trim() ?? '';
  return `README.md:${String(readmeLine)}: ${diagnosticText(diagnostic)}\n    ${source}`;
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = readBlocks(readme);
const { units, notChecked, problems } = plan(blocks);
const fences = readme.split('\n').filter((line) => /^```ts\s*$/.test(line)).length;
const skipped = notChecked.map(({ block, reason }) => `README.md:${String(block.fence)} (${reason})`);

describe('README.md ts blocks', () => {
  let messages = new Map<string, string[]>();

  beforeAll(() => {
    messages = check(units);
  }, 60_000);

  it(`checks ${String(blocks.length - notChecked.length)} of ${String(blocks.length)} blocks; not checked: ${skipped.join(', ') || 'none'}`, () => {
    expect(blocks.length).toBe(fences);
    expect(problems).toEqual([]);
    const checked = units.flatMap((unit) => unit.parts.map((part) => part.block));
    expect(checked.length + notChecked.length).toBe(blocks.length);
    for (const unit of units) expect(messages.has(unit.fileName), label(unit)).toBe(true);
  });

  it('has no errors outside the blocks (options, givens)', () => {
    expect(messages.get('')).toEqual([]);
  });

  for (const unit of units) {
    it(`${label(unit)} type-checks`, () => {
      expect(messages.get(unit.fileName)).toEqual([]);
    });
  }
});
