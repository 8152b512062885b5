/**
 * The ```ts blocks of README.md, read and grouped into modules the way `readme.test.ts`
 * describes, for the tests that type-check them and run them.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
/** Where the blocks' files would be: nothing is written there. */
export const blockDir = join(root, 'test/docs/readme');

/** Relative imports in blocks, and the files they stand for. */
export const RELATIVE: Readonly<Record<string, string>> = {
  './worlds.js': join(root, 'examples/world.ts'),
  './recorder.suite.js': join(root, 'test/recorders/recorder.suite.ts'),
};

export type Environment = 'browser and node' | 'worker';

export interface Block {
  /** README line of the opening fence. */
  readonly fence: number;
  readonly code: string;
  /** The HTML comments just above the fence (blank lines may come between). */
  readonly markers: readonly string[];
}

export interface Unit {
  readonly fileName: string;
  environment: Environment;
  /** The blocks in the file, each with the file line (0-based) where its code starts. */
  readonly parts: { block: Block; start: number }[];
  text: string;
}

/** Reads the ```ts blocks of a Markdown text. */
export function readBlocks(text: string): Block[] {
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
export function plan(blocks: readonly Block[]) {
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

/** `eventsourcing` and its subpaths, from package.json's exports, as files in `src/`. */
export function packageEntries(): Map<string, string> {
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
