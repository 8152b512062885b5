// Makes the README's picture of the demo page, docs/demo.png: builds the page, serves it with
// `vite preview` on 127.0.0.1, presses Replay in Debian's Chromium, and shoots the top of the
// page once every assertion is green. Run it after changing the page:
//   node scripts/demo-screenshot.mjs [out.png]
import { spawn, spawnSync } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(import.meta.dirname, '..');
const out = resolve(process.argv[2] ?? join(root, 'docs/demo.png'));
const site = join(root, 'test-results/demo-screenshot');
const vite = join(root, 'node_modules/vite/bin/vite.js');

const built = spawnSync(
  process.execPath,
  [vite, 'build', '--outDir', site, '--emptyOutDir', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
if (built.status !== 0) process.exit(built.status ?? 1);

const port = await new Promise((done) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => done(free));
  });
});
const url = `http://127.0.0.1:${port}/`;
const server = spawn(
  process.execPath,
  [vite, 'preview', '--outDir', site, '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
  { cwd: root, stdio: 'ignore' },
);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
try {
  for (let i = 0; ; i++) {
    const answered = await new Promise((done) => {
      get(url, (response) => {
        response.resume();
        done(response.statusCode === 200);
      }).on('error', () => done(false));
    });
    if (answered) break;
    if (i > 100) throw new Error(`vite preview did not answer at ${url}`);
    await new Promise((r) => setTimeout(r, 150));
  }
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(url);
  await page.waitForSelector('#page[data-ready="true"]');
  // A world of the user's own, shown in the badge and further down the page.
  await page.click('#new-world');
  await page.click('#replay-button');
  await page.waitForSelector('#replay[data-state="pass"]', { timeout: 30_000 });
  // Away from the button, so that it is not drawn hovered.
  await page.mouse.move(600, 790);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  server.kill();
}
