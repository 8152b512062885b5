/**
 * The demo page end to end: builds it with Vite, serves it with `vite preview` on 127.0.0.1,
 * and drives Debian's Chromium through playwright-core, as a person would. Each step saves a
 * screenshot under test-results/demo/, and any console error fails the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../scripts/chromium.js';

const ROOT = resolve(import.meta.dirname, '../..');
const OUT = join(ROOT, 'test-results/demo');
const SITE = join(OUT, 'site');
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

let server: ChildProcess | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let url: string;
const consoleErrors: string[] = [];
/** How long to wait for a move of the events, on a slow machine. */
const MOVE = { timeout: 10_000 };

/** Runs a command to its end, failing with its output when it fails. */
function run(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('exit', (code) => {
      if (code === 0) done();
      else fail(new Error(`${args.join(' ')} exited with ${String(code)}:\n${output}`));
    });
  });
}

/** Finds a port no one listens on. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        if (typeof address === 'object' && address !== null) done(address.port);
        else fail(new Error('no port'));
      });
    });
  });
}

async function waitForServer(address: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(address);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`vite preview did not answer at ${address}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** Opens the page in a context, recording console errors, and waits until it has drawn itself. */
async function open(into: BrowserContext = context): Promise<Page> {
  const page = await into.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await page.waitForSelector('#page[data-ready="true"]');
  return page;
}

/**
 * Opens the page in a browser context of its own (storage of its own too), with a script that
 * runs before the page's own: to take away or break what the page relies on.
 */
async function openAlone(init: () => void): Promise<{ page: Page; alone: BrowserContext }> {
  if (browser === undefined) throw new Error('no browser');
  const alone = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    reducedMotion: 'reduce',
  });
  await alone.addInitScript(init);
  return { page: await open(alone), alone };
}

/**
 * Saves a picture of what a step is about: the window scrolled to a part of the page, so that
 * the message box shows too (a picture of the whole, tall page costs seconds to encode).
 */
async function shot(page: Page, name: string, part: string): Promise<void> {
  await page.locator(part).evaluate((element) => {
    element.scrollIntoView({ block: 'start' });
  });
  await page.screenshot({ path: join(OUT, `${name}.png`) });
}

/** Waits until the chosen world's history, as the repository read it, is the given list. */
async function historyIs(page: Page, history: string[]): Promise<void> {
  await page.waitForSelector(`#version-history[data-history='${JSON.stringify(history)}']`);
}

async function makeItSo(page: Page, what: string, expected: string[]): Promise<void> {
  await page.fill('#happening-input', what);
  await page.click('#happening-submit');
  await historyIs(page, expected);
}

async function replayAllGreen(page: Page): Promise<void> {
  await page.click('#replay-button');
  await page.waitForSelector('#replay[data-state="pass"], #replay[data-state="fail"]', { timeout: 30_000 });
  const failing = await page.$$eval('[data-assert]:not([data-state="pass"])', (lines) =>
    lines.map((line) => line.textContent),
  );
  expect(failing).toEqual([]);
  expect(await page.getAttribute('#replay', 'data-state')).toBe('pass');
  // The seed has fifty assertions, and every one of them is on the page.
  expect(await page.locator('[data-assert][data-state="pass"]').count()).toBe(50);
}

/** The store as the page, localStorage and the browser's list of databases tell it. */
async function storeState(page: Page): Promise<{
  backend: string | undefined;
  encrypted: string | undefined;
  shown: string | undefined;
  saved: { dbName: string; key: string | null } | null;
  databases: string[];
}> {
  return page.evaluate(async () => {
    const badge = document.querySelector<HTMLElement>('#store-badge');
    const saved = JSON.parse(localStorage.getItem('eventsourcing-demo:store') ?? 'null') as {
      dbName: string;
      key: string | null;
    } | null;
    const databases = (await indexedDB.databases())
      .map((d) => d.name ?? '')
      .filter((name) => name.startsWith('worlds-demo'))
      .sort();
    return {
      backend: badge?.dataset.backend,
      encrypted: badge?.dataset.encrypted,
      shown: document.querySelector('#db-name')?.textContent ?? undefined,
      saved,
      databases,
    };
  });
}

/** The ids of the worlds a page lists. */
function listedWorlds(page: Page): Promise<(string | null)[]> {
  return page
    .locator('#world-list [data-world-id]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-world-id')));
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  // Build into test-results, so a developer's dist-demo is left alone.
  await run([VITE, 'build', '--outDir', SITE, '--emptyOutDir', '--logLevel', 'warn']);
  const port = await freePort();
  url = `http://127.0.0.1:${String(port)}/`;
  // The real vite process (not an npx wrapper), so that killing it stops the server.
  server = spawn(
    process.execPath,
    [VITE, 'preview', '--outDir', SITE, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: ROOT, stdio: 'ignore' },
  );
  await waitForServer(url);
  const launched = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
  });
  // One context: its pages share IndexedDB and BroadcastChannel, like tabs, and keep them
  // across reloads. Reduced motion skips the replay's pauses.
  browser = launched;
  context = await launched.newContext({ viewport: { width: 1280, height: 1000 }, reducedMotion: 'reduce' });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

afterEach(() => {
  // Whatever went wrong on the page must have been shown as a message, never logged as an error
  // (emptied each time, so an error fails only the test it happened in).
  expect(consoleErrors.splice(0)).toEqual([]);
});

describe('demo page', () => {
  let page: Page;
  let worldId: string;

  it('replays the seed example and turns every assertion green', async () => {
    page = await open();
    await replayAllGreen(page);
    // The world id the replay shows is the originator id of each notification it shows.
    const shownId = await page.getAttribute('[data-name="world-id"] .actual', 'data-value');
    expect(shownId).toMatch(/^[0-9a-f-]{36}$/);
    const originators = await page.$$eval('[data-assert]', (lines) =>
      lines
        .filter((line) => line.textContent.includes('originatorId === worldId)'))
        .map((line) => line.querySelector<HTMLElement>('.actual')?.dataset.value),
    );
    expect(originators).toHaveLength(6);
    for (const id of originators) expect(id).toBe(shownId);
    await shot(page, '01-replay', 'body');
  });

  it('creates a world and adds a happening: the history and the log change', async () => {
    await page.click('#new-world');
    await historyIs(page, []);
    worldId = (await page.getAttribute('#world-id', 'data-value')) ?? '';
    expect(worldId).toMatch(/^[0-9a-f-]{36}$/);
    // The log shows the created event of the world shown.
    await expect.poll(() => page.locator(`#log-rows tr[data-originator="${worldId}"]`).count()).toBe(1);
    // A channel opened now gets the next save's message after the page's own (older) channel
    // does, as BroadcastChannel delivers in creation order: once it has, the page has seen it.
    await page.evaluate(
      (name) => {
        const channel = new BroadcastChannel(name);
        const heard: unknown[] = [];
        (window as unknown as { heard: unknown[] }).heard = heard;
        channel.onmessage = (event: MessageEvent<unknown>) => heard.push(event.data);
      },
      (await page.textContent('#db-name')) ?? '',
    );
    await makeItSo(page, 'dinosaurs', ['dinosaurs']);
    const rows = page.locator('#log-rows tr[data-id]');
    await expect.poll(() => rows.count()).toBe(2);
    // Every notification shown is of the world shown, at versions 1 and 2.
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-originator')))).toEqual([
      worldId,
      worldId,
    ]);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-topic')))).toEqual([
      'World.Created',
      'World.SomethingHappened',
    ]);
    // The page's own saves come back on the BroadcastChannel too, but are not taken for news.
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { heard: unknown[] }).heard.length))
      .toBe(1);
    expect(await page.isHidden('#message')).toBe(true);
    // Stored as JSON, the happening can be read in the stored bytes.
    expect(await rows.nth(1).locator('.bytes').getAttribute('data-format')).toBe('json');
    expect(await rows.nth(1).locator('.bytes code').textContent()).toContain('"what":"dinosaurs"');
    await shot(page, '02-happening', '.columns');
  });

  it('scrubs the world through its versions with the slider', async () => {
    await makeItSo(page, 'trucks', ['dinosaurs', 'trucks']);
    await makeItSo(page, 'internet', ['dinosaurs', 'trucks', 'internet']);
    expect(await page.textContent('#version-label')).toBe('4 of 4');
    // Home, then one step right: version 1 has no history, version 2 has the first happening.
    await page.focus('#version-slider');
    await page.keyboard.press('Home');
    await historyIs(page, []);
    expect(await page.textContent('#version-label')).toBe('1 of 4');
    await page.keyboard.press('ArrowRight');
    await historyIs(page, ['dinosaurs']);
    expect(await page.textContent('#version-call')).toContain('{ version: 2 }');
    // The events after version 2 are shown as the future.
    expect(await page.locator('#timeline li[data-future="true"]').count()).toBe(2);
    // A snapshot taken at the version shown.
    await page.click('#snapshot-button');
    await page.waitForSelector('#snapshots li[data-snapshot-version="2"]');
    // A second snapshot of the same version would conflict, so the button is off, and the
    // keyboard focus stays on it.
    expect(await page.isDisabled('#snapshot-button')).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('snapshot-button');
    await page.focus('#version-slider');
    await page.keyboard.press('End');
    await historyIs(page, ['dinosaurs', 'trucks', 'internet']);
    expect(await page.textContent('#version-history')).toContain('from the snapshot at v2');
    await shot(page, '03-versions', '.columns');
  });

  it('pages through the notification log by sections', async () => {
    // A second world makes six notifications: more than one section of five.
    await page.click('#new-world');
    await historyIs(page, []);
    await makeItSo(page, 'rain', ['rain']);
    await expect.poll(() => page.textContent('#log-section-id')).toBe('6,10');
    expect(await page.locator('#log-rows tr[data-id]').count()).toBe(1);
    await page.click('#log-prev');
    await expect.poll(() => page.getAttribute('#log-section-id', 'data-section-id')).toBe('1,5');
    expect(await page.locator('#log-rows tr[data-id]').count()).toBe(5);
    // A full section links to the next one.
    expect(await page.textContent('#log-call')).toContain("section.nextId '6,10'");
    await page.click('#log-next');
    await expect.poll(() => page.getAttribute('#log-section-id', 'data-section-id')).toBe('6,6');
    await page.click('#log-prev');
    await expect.poll(() => page.getAttribute('#log-section-id', 'data-section-id')).toBe('1,5');
    await shot(page, '04-log', '#log');
  });

  it('encrypts and compresses: the stored bytes turn to ciphertext, the events read the same', async () => {
    const decoded = (): Promise<string[]> =>
      page.locator('#log-rows .decoded').evaluateAll((cells) => cells.map((c) => c.textContent));
    const before = await decoded();
    expect(before).toHaveLength(5);
    await page.locator('label:has(#encryption)').click();
    await page.waitForSelector('#store-badge[data-encrypted="true"]');
    await page.waitForSelector('#message[data-kind="info"]');
    expect(await page.textContent('#message')).toContain('6 events and 1 snapshot were copied');
    await expect
      .poll(() =>
        page.locator('#log-rows .bytes').evaluateAll((b) => b.map((x) => x.getAttribute('data-format'))),
      )
      .toEqual(['ciphertext', 'ciphertext', 'ciphertext', 'ciphertext', 'ciphertext']);
    expect(await page.locator('#log-rows .bytes').allTextContents()).not.toContain(
      expect.stringContaining('dinosaurs'),
    );
    expect(await decoded()).toEqual(before);
    expect(await page.textContent('#key')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await shot(page, '05-encrypted', '.columns');
  });

  it('keeps the worlds across a reload', async () => {
    await page.reload();
    await page.waitForSelector('#page[data-ready="true"]');
    expect(await page.getAttribute('#store-badge', 'data-encrypted')).toBe('true');
    expect(await page.locator('#world-list [data-world-id]').count()).toBe(2);
    await page.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(page, ['dinosaurs', 'trucks', 'internet']);
    expect(await page.locator('#snapshots li[data-snapshot-version="2"]').count()).toBe(1);
    await shot(page, '06-reloaded', '.columns');
  });

  it('shows a change made in one tab in another', async () => {
    const second = await open();
    await second.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(second, ['dinosaurs', 'trucks', 'internet']);
    await makeItSo(page, 'meteor', ['dinosaurs', 'trucks', 'internet', 'meteor']);
    // The second tab hears of the save on the BroadcastChannel and reads the world again.
    await historyIs(second, ['dinosaurs', 'trucks', 'internet', 'meteor']);
    expect(await second.textContent('#message')).toContain('Another tab saved');
    await shot(second, '07-second-tab', '.columns');

    // Not following, the second tab saves on a stale world: the save conflicts, and says so.
    await second.locator('label:has(#follow)').click();
    await makeItSo(page, 'comet', ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet']);
    await second.fill('#happening-input', 'asteroid');
    await second.click('#happening-submit');
    await second.waitForSelector('#message[data-kind="error"]');
    expect(await second.textContent('#message')).toContain('Someone else saved first');
    // Nothing of the conflicting save was written; the tab has read the world again.
    await historyIs(second, ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet']);
    await shot(second, '08-conflict', '.columns');
    // Following again, the tab hears the next save, but the news leaves the error for the user.
    await second.locator('label:has(#follow)').click();
    await makeItSo(page, 'eclipse', ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse']);
    await historyIs(second, ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse']);
    expect(await second.getAttribute('#message', 'data-kind')).toBe('error');
    expect(await second.textContent('#message')).toContain('Someone else saved first');

    // Moving the events to memory and back to a new database: the other tab follows the move.
    await page.click('#use-memory');
    await page.waitForSelector('#store-badge[data-backend="memory"]');
    await page.click('#use-indexeddb');
    await page.waitForSelector('#store-badge[data-backend="indexeddb"]');
    const dbName = await page.textContent('#db-name');
    expect(dbName).toMatch(/^worlds-demo-/);
    await expect.poll(() => second.textContent('#db-name')).toBe(dbName);
    await historyIs(second, ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse']);
    await second.close();
  });

  it('says so when a key cannot read the stored events', async () => {
    await page.fill('#key-input', randomBytes(32).toString('base64'));
    await page.click('#key-submit');
    await page.waitForSelector('#message[data-kind="error"]');
    expect(await page.textContent('#message')).toContain('This key cannot read the stored events');
    // The page goes on with the right key.
    await makeItSo(page, 'aurora', [
      'dinosaurs',
      'trucks',
      'internet',
      'meteor',
      'comet',
      'eclipse',
      'aurora',
    ]);
    await shot(page, '09-wrong-key', '.columns');
  });

  it('says so when the browser cannot encrypt with a key, and keeps the one it has', async () => {
    const before = await page.evaluate(() => localStorage.getItem('eventsourcing-demo:store'));
    // 24 bytes: AES-192, which Chromium's WebCrypto does not have.
    await page.fill('#key-input', randomBytes(24).toString('base64'));
    await page.click('#key-submit');
    await page.waitForSelector('#message[data-kind="error"]');
    expect(await page.textContent('#message')).toContain('This browser cannot use this key');
    // The settings, and so the key the page uses, are as they were.
    expect(before).toContain('"key":"');
    expect(await page.evaluate(() => localStorage.getItem('eventsourcing-demo:store'))).toBe(before);
  });

  it("keeps another tab's worlds when this tab comes back from memory", async () => {
    const other = await open();
    const shared = await page.textContent('#db-name');
    const before = await listedWorlds(page);
    // This tab goes to memory; the other tab goes on saving in the database both used.
    await page.click('#use-memory');
    await page.waitForSelector('#store-badge[data-backend="memory"]');
    await other.click('#new-world');
    await expect.poll(async () => (await listedWorlds(other)).length, MOVE).toBe(before.length + 1);
    await historyIs(other, []);
    const othersWorld = (await other.getAttribute('#world-id', 'data-value')) ?? '';
    await makeItSo(other, 'tides', ['tides']);
    // Back to IndexedDB: the other tab saved there meanwhile, so this tab reads the database
    // as it is, and neither deletes nor replaces it.
    await page.click('#use-indexeddb');
    await page.waitForSelector('#store-badge[data-backend="indexeddb"]');
    // The other tab still has its world, with its happening, in the same database.
    await expect.poll(() => listedWorlds(other), MOVE).toEqual([...before, othersWorld]);
    await historyIs(other, ['tides']);
    expect(await other.textContent('#db-name')).toBe(shared);
    // This tab shows it too, and says what it did.
    expect(await page.textContent('#db-name')).toBe(shared);
    await expect.poll(() => listedWorlds(page), MOVE).toEqual([...before, othersWorld]);
    expect(await page.textContent('#message')).toContain(`Back to the IndexedDB database ${shared ?? ''}`);
    expect((await storeState(page)).databases).toEqual([shared]);
    await shot(page, '10-back-from-memory', '.columns');
    await other.close();
  });

  it("keeps another tab's snapshot when this tab comes back from memory", async () => {
    const other = await open();
    const shared = await page.textContent('#db-name');
    const history = ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse', 'aurora'];
    // This tab goes to memory; the other tab snapshots a world at its latest version: a
    // snapshot, and no new event, in the database both used.
    await page.click('#use-memory');
    await page.waitForSelector('#store-badge[data-backend="memory"]');
    await other.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(other, history);
    const version = await other.getAttribute('#version-history', 'data-version');
    const taken = `#snapshots li[data-snapshot-version="${version ?? ''}"]`;
    expect(await other.locator(taken).count()).toBe(0);
    await other.click('#snapshot-button');
    await other.waitForSelector(taken);
    // Back to IndexedDB: this tab has not read that snapshot, so it opens the database as it
    // is, and neither deletes nor replaces it.
    await page.click('#use-indexeddb');
    await page.waitForSelector('#store-badge[data-backend="indexeddb"]');
    expect(await page.textContent('#message')).toContain(`Back to the IndexedDB database ${shared ?? ''}`);
    expect((await storeState(page)).databases).toEqual([shared]);
    await page.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(page, history);
    await page.waitForSelector(taken);
    await other.close();
  });

  it('moves the events once on a double-click, to one store that every part agrees on', async () => {
    // Each notification's id and decoded event (the stored bytes change with the codecs).
    const rows = (): Promise<string[]> =>
      page
        .locator('#log-rows tr[data-id]')
        .evaluateAll((trs) =>
          trs.map(
            (tr) => `${tr.getAttribute('data-id') ?? ''} ${tr.querySelector('.decoded')?.textContent ?? ''}`,
          ),
        );
    const consistent = async (encrypted: boolean): Promise<void> => {
      // The badge, localStorage and the browser's databases name the same one store.
      await expect
        .poll(async () => {
          const state = await storeState(page);
          return {
            ...state,
            shownIsSaved: state.shown === state.saved?.dbName,
            keyIsSaved: (encrypted ? await page.textContent('#key') : null) === state.saved?.key,
            databases: state.databases.length === 1 && state.databases[0] === state.saved?.dbName,
          };
        }, MOVE)
        .toMatchObject({
          backend: 'indexeddb',
          encrypted: String(encrypted),
          shownIsSaved: true,
          keyIsSaved: true,
          databases: true,
        });
    };
    await page.click(`#world-list [data-world-id="${worldId}"]`);
    const history = ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse', 'aurora'];
    await historyIs(page, history);
    // The log shows its latest section.
    const log = await rows();
    expect(log.length).toBeGreaterThan(0);

    // Encrypted now: a double-click on the switch turns encryption off once, not off and on.
    await page.locator('label:has(#encryption)').dblclick();
    await consistent(false);
    await page.waitForSelector('#message[data-kind="info"]');
    expect(await page.textContent('#message')).toContain('copied as plain JSON');
    await shot(page, '11-double-click-switch', '.columns');

    // A double-click on IndexedDB, from memory: one new database.
    await page.click('#use-memory');
    await page.waitForSelector('#store-badge[data-backend="memory"]');
    await page.dblclick('#use-indexeddb');
    await consistent(false);
    expect(await page.textContent('#message')).toContain('Copied the log to a new IndexedDB database');

    // The events read back the same, after a reload too.
    await page.reload();
    await page.waitForSelector('#page[data-ready="true"]');
    await consistent(false);
    await page.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(page, history);
    await expect.poll(rows, MOVE).toEqual(log);
    await shot(page, '12-double-click-indexeddb', '.columns');
  });

  it('after a start that cannot read the stored events, tries them again and deletes nothing', async () => {
    // Encrypted, so that a wrong key can be saved.
    if ((await page.getAttribute('#store-badge', 'data-encrypted')) !== 'true') {
      await page.locator('label:has(#encryption)').click();
      await page.waitForSelector('#store-badge[data-encrypted="true"]');
    }
    const { saved } = await storeState(page);
    if (saved?.key == null) throw new Error('no key saved');
    // A reload with a wrong key in localStorage: the page falls back to memory, and says why.
    await page.evaluate(
      (settings) => {
        localStorage.setItem('eventsourcing-demo:store', settings);
      },
      JSON.stringify({ ...saved, key: randomBytes(32).toString('base64') }),
    );
    await page.reload();
    await page.waitForSelector('#page[data-ready="true"]');
    expect(await page.getAttribute('#store-badge', 'data-backend')).toBe('memory');
    expect(await page.textContent('#message')).toContain('This key cannot read the stored events');
    // Back to IndexedDB still cannot read them: the page stays in memory, and nothing is deleted.
    await page.click('#message .message-close');
    await page.click('#use-indexeddb');
    await page.waitForSelector('#message:not([hidden])');
    expect(await page.textContent('#message')).toContain('This key cannot read the stored events');
    expect(await page.getAttribute('#store-badge', 'data-backend')).toBe('memory');
    expect((await storeState(page)).databases).toEqual([saved.dbName]);
    // The right key opens the database again, with every world in it.
    await page.fill('#key-input', saved.key);
    await page.click('#key-submit');
    await page.waitForSelector('#store-badge[data-backend="indexeddb"]');
    expect(await page.textContent('#message')).toContain('The key reads the stored events');
    expect(await storeState(page)).toMatchObject({ shown: saved.dbName, saved, databases: [saved.dbName] });
    await page.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(page, ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse', 'aurora']);
    await shot(page, '13-right-key-again', '.columns');
  });

  it('moves the events only while no tab saves, and a save asked for meanwhile lands in the new database', async () => {
    const history = ['dinosaurs', 'trucks', 'internet', 'meteor', 'comet', 'eclipse', 'aurora'];
    const saver = await open();
    const holder = await open();
    await saver.click(`#world-list [data-world-id="${worldId}"]`);
    await historyIs(saver, history);
    const from = (await storeState(page)).saved?.dbName;
    const pending = (): Promise<number> =>
      holder.evaluate(async () => (await navigator.locks.query()).pending?.length ?? 0);

    // Closing the tabs lets go of the lock they hold, whatever happens.
    try {
      // A third tab holds the store's lock shared, as a tab in the middle of a save does.
      await holder.evaluate(
        () =>
          new Promise<void>((held) => {
            void navigator.locks.request('eventsourcing-demo:store', { mode: 'shared' }, () => {
              held();
              return new Promise<void>((release) => {
                (window as unknown as { releaseStore: () => void }).releaseStore = release;
              });
            });
          }),
      );
      // This tab turns encryption off, a move to a new database: it waits for that save.
      await page.locator('label:has(#encryption)').click();
      await page.waitForSelector('#storage[aria-busy="true"]');
      await expect.poll(pending, MOVE).toBe(1);
      // The other tab saves a happening meanwhile: the save waits behind the move.
      await saver.fill('#happening-input', 'eclipse');
      await saver.click('#happening-submit');
      await expect.poll(pending, MOVE).toBe(2);
      // And the holding tab is given the key of the events as they are: that waits too.
      const { saved } = await storeState(page);
      await holder.fill('#key-input', saved?.key ?? '');
      await holder.click('#key-submit');
      await expect.poll(pending, MOVE).toBe(3);
      expect(saved?.dbName).toBe(from);

      // The save in progress ends: the move runs, then the waiting save, into the new database.
      await holder.evaluate(() => {
        (window as unknown as { releaseStore: () => void }).releaseStore();
      });
      await expect.poll(async () => (await storeState(page)).saved?.dbName, MOVE).not.toBe(from);
      const to = (await storeState(page)).saved?.dbName;
      await historyIs(saver, [...history, 'eclipse']);
      expect(await saver.textContent('#db-name')).toBe(to);
      // The database left behind is gone, and no tab reading late, or opening it with the
      // key it was given, made it again, empty.
      await expect.poll(async () => (await storeState(page)).databases, MOVE).toEqual([to]);
      await page.click(`#world-list [data-world-id="${worldId}"]`);
      await historyIs(page, [...history, 'eclipse']);
      await shot(saver, '13b-save-waits-for-move', '.columns');
      // Every tab is on the new database now, and a read in each leaves it the only one.
      await expect.poll(() => holder.textContent('#db-name'), MOVE).toBe(to);
      await holder.click(`#world-list [data-world-id="${worldId}"]`);
      await historyIs(holder, [...history, 'eclipse']);
      expect((await storeState(page)).databases).toEqual([to]);
    } finally {
      await Promise.all([saver.close(), holder.close()]);
    }
  });

  it('falls back to memory, and says so, when IndexedDB is not available', async () => {
    const { page: lonely, alone: blocked } = await openAlone(() => {
      IDBFactory.prototype.open = () => {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    });
    expect(await lonely.getAttribute('#store-badge', 'data-backend')).toBe('memory');
    expect(await lonely.textContent('#message')).toContain('Browser storage is not available');
    await lonely.click('#new-world');
    await makeItSo(lonely, 'sunshine', ['sunshine']);
    await shot(lonely, '14-no-indexeddb', 'body');
    await blocked.close();
  });

  it('keeps its store, and leaves no database behind, when the settings cannot be kept', async () => {
    // Storage that refuses writes (full, or turned off for the site).
    const { page: refused, alone: full } = await openAlone(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    await refused.click('#new-world');
    await makeItSo(refused, 'hail', ['hail']);
    const before = await storeState(refused);
    expect(before.databases).toEqual(['worlds-demo']);
    // Turning encryption on would copy the log to a new database: it fails, and undoes that.
    await refused.locator('label:has(#encryption)').click();
    await refused.waitForSelector('#message[data-kind="error"]');
    await expect.poll(async () => (await storeState(refused)).databases, MOVE).toEqual(['worlds-demo']);
    expect(await refused.getAttribute('#store-badge', 'data-encrypted')).toBe('false');
    // A key typed for the empty store of another context is not taken either: the next save
    // is still plain JSON, which this tab reads after a reload.
    await refused.fill('#key-input', 'R5K9hHBy1ZcU58A3BMza34X1b193D2G1g1mT/m7cBF0=');
    await refused.click('#key-submit');
    await refused.waitForSelector('#message[data-kind="error"]');
    expect(await refused.getAttribute('#store-badge', 'data-encrypted')).toBe('false');
    await makeItSo(refused, 'sleet', ['hail', 'sleet']);
    await refused.reload();
    await refused.waitForSelector('#page[data-ready="true"]');
    expect(await refused.getAttribute('#store-badge', 'data-backend')).toBe('indexeddb');
    await refused.click('#world-list [data-world-id]');
    await historyIs(refused, ['hail', 'sleet']);
    await shot(refused, '15-settings-refused', '.columns');
    await full.close();
  });

  it('replays again, and every assertion is green again', async () => {
    await replayAllGreen(page);
    await shot(page, '15-replay-again', '#replay');
  });

  it('fits a phone: no sideways scrolling, every control on the screen', async () => {
    if (browser === undefined) throw new Error('no browser');
    const phone = await browser.newContext({
      viewport: { width: 375, height: 740 },
      reducedMotion: 'reduce',
    });
    const small = await open(phone);
    const offScreen = (): Promise<string[]> =>
      small.evaluate(() => {
        const width = document.documentElement.clientWidth;
        const controls = [
          '#replay-button',
          '#replay-summary',
          '#new-world',
          '#happening-input',
          '#happening-submit',
          '#world-version',
          '#snapshot-button',
          '#use-indexeddb',
          '#use-memory',
          '#key-submit',
          '#log-first',
          '#log-prev',
          '#log-next',
          '#log-latest',
          '#message',
        ];
        return controls.flatMap((selector) => {
          const element = document.querySelector(selector);
          if (element === null || element.getClientRects().length === 0) return [];
          const box = element.getBoundingClientRect();
          return box.left < 0 || box.right > width ? [`${selector} ${box.left}..${box.right}`] : [];
        });
      });
    const scrollWidth = (): Promise<number> => small.evaluate(() => document.documentElement.scrollWidth);
    await small.click('#new-world');
    await historyIs(small, []);
    await makeItSo(small, 'a happening of several words, long enough to wrap', [
      'a happening of several words, long enough to wrap',
    ]);
    // A word as long as the input takes wraps inside its chip.
    const word = 'W'.repeat(60);
    await makeItSo(small, word, ['a happening of several words, long enough to wrap', word]);
    expect(await scrollWidth()).toBeLessThanOrEqual(375);
    // Only spaces is not a happening: the form refuses it, and nothing is saved.
    await small.fill('#happening-input', '   ');
    await small.click('#happening-submit');
    expect(
      await small.$eval('#happening-input', (input) => (input as HTMLInputElement).validity.patternMismatch),
    ).toBe(true);
    await historyIs(small, ['a happening of several words, long enough to wrap', word]);
    await small.fill('#happening-input', '');
    // Replayed from the keyboard, the focus comes back to the button when the run ends.
    await small.focus('#replay-button');
    await small.keyboard.press('Enter');
    await small.waitForSelector('#replay[data-state="pass"]', { timeout: 30_000 });
    await small.waitForFunction(() => document.activeElement?.id === 'replay-button');
    await replayAllGreen(small);
    // "Replay again", its summary with the database's long name, and the rest of the page fit.
    expect(await scrollWidth()).toBeLessThanOrEqual(375);
    expect(await offScreen()).toEqual([]);
    await shot(small, '16-phone-replay', 'body');
    await shot(small, '17-phone-worlds', '#worlds');
    // A message, and the log's pager.
    await small.click('#use-memory');
    await small.waitForSelector('#message[data-kind="info"]');
    expect(await scrollWidth()).toBeLessThanOrEqual(375);
    expect(await offScreen()).toEqual([]);
    await shot(small, '18-phone-log', '#log');
    await phone.close();
  });
});
