/**
 * Each codec entry bundles only its own engine: the WebCrypto cipher holds no noble code, the
 * noble cipher no WebCrypto calls, and neither holds fflate.
 */
import { resolve } from 'node:path';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** Bundles one source entry, minified, with its dependencies, and returns the code. */
async function bundle(entry: string): Promise<string> {
  const result = await build({
    root,
    logLevel: 'silent',
    configFile: false,
    build: {
      write: false,
      minify: true,
      lib: { entry: resolve(root, entry), formats: ['es'], fileName: 'bundle' },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as { output: { code?: string }[] }[];
  return outputs
    .flatMap((r) => r.output)
    .map((chunk) => chunk.code ?? '')
    .join('\n');
}

// Strings each engine keeps through minification. The noble one comes from noble's own GHASH,
// not from our code around it.
const WEBCRYPTO = 'subtle';
const NOBLE = 'ghash: invalid window size';
const FFLATE = 'invalid zlib data';

describe('codec bundles', () => {
  it('eventsourcing/cipher holds WebCrypto calls, and no noble or fflate', async () => {
    const code = await bundle('src/cipher/index.ts');
    expect(code).toContain(WEBCRYPTO);
    expect(code).not.toContain(NOBLE);
    expect(code).not.toContain(FFLATE);
  });

  it('eventsourcing/cipher/noble holds noble, and no WebCrypto calls or fflate', async () => {
    const code = await bundle('src/cipher/noble.ts');
    expect(code).toContain(NOBLE);
    expect(code).not.toContain(WEBCRYPTO);
    expect(code).not.toContain(FFLATE);
  });

  it('eventsourcing/compressor holds fflate, and no cipher', async () => {
    const code = await bundle('src/compressor/index.ts');
    expect(code).toContain(FFLATE);
    expect(code).not.toContain(WEBCRYPTO);
    expect(code).not.toContain(NOBLE);
  });
});
