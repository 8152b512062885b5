/**
 * Serves a bundled benchmark page on 127.0.0.1, for Chromium to open: the page's module
 * bundled by esbuild, behind a blank HTML page that loads it.
 *
 * @module
 */
import { createServer } from 'node:http';
import { build } from 'esbuild';

/** A page being served. */
export interface ServedPage {
  /** The page's address. */
  readonly url: string;
  /** Stops serving it. */
  close(): void;
}

/**
 * Bundles a module for the browser and serves it as a page.
 *
 * @param entry - the path of the page's module
 * @returns the served page
 */
export async function servePage(entry: string): Promise<ServedPage> {
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  const html =
    '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="/page.js"></script><body></body>';
  const server = createServer((request, response) => {
    const js = request.url === '/page.js';
    response.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html' });
    response.end(js ? script : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { url: `http://127.0.0.1:${String(port)}/`, close: () => server.close() };
}
