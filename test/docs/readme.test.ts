/**
 * Type-checks every ```ts block of README.md against the library's source (`src/`), with the
 * project's compiler options, so the documentation cannot go stale unnoticed
 * (`readme-run.test.ts` runs those that can run in Node).
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
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  RELATIVE,
  blockDir,
  packageEntries,
  plan,
  readBlocks,
  root,
  type Environment,
  type Unit,
} from './readme-blocks.js';

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

function label(unit: Unit): string {
  return `README.md:${unit.parts.map((part) => String(part.block.fence)).join(', ')}`;
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

describe('README.md links', () => {
  it('links to its own headings by their anchors', () => {
    // GitHub's anchors: lower case, punctuation dropped, spaces as hyphens.
    const anchors = new Set(
      [...readme.matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
        (match[1] ?? '')
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      ),
    );
    const links = [...readme.matchAll(/\]\(#([^)]+)\)/g)].map((match) => match[1] ?? '');
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((link) => !anchors.has(link))).toEqual([]);
  });
});
