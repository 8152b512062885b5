/**
 * Nonces after a heap snapshot: a process started from a V8 startup snapshot (Node's
 * `--build-snapshot`) restores the heap as it was when the snapshot was built. Random bytes
 * kept in the heap for later nonces would be restored too, and every process started from
 * the snapshot would encrypt with the same nonces under the same key.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'eventsourcing-snapshot-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Encrypts once while the snapshot is built, then once in each process started from it, and
// prints that encryption's nonce.
const ENTRY = `
import { startupSnapshot } from 'node:v8';
import { NobleAesGcmCipher } from ${JSON.stringify(join(root, 'src/cipher/noble.ts'))};

const cipher = new NobleAesGcmCipher('AAAAAAAAAAAAAAAAAAAAAA==');
void cipher.encrypt(new Uint8Array(1));
startupSnapshot.setDeserializeMainFunction(() => {
  void cipher.encrypt(new TextEncoder().encode('secret')).then((out) => {
    process.stdout.write(Buffer.from(out.subarray(0, 12)).toString('hex'));
  });
});
`;

function node(args: string[]): string {
  const run = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

describe('ciphers in processes started from one startup snapshot', () => {
  it('take fresh nonces in each process', async () => {
    writeFileSync(join(dir, 'entry.ts'), ENTRY);
    // A startup snapshot is built from one CommonJS file.
    await build({
      entryPoints: [join(dir, 'entry.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: join(dir, 'entry.cjs'),
      logLevel: 'silent',
    });
    node(['--snapshot-blob', 'snapshot.blob', '--build-snapshot', 'entry.cjs']);
    const nonces = [1, 2, 3].map(() => node(['--snapshot-blob', 'snapshot.blob']));
    for (const nonce of nonces) expect(nonce).toMatch(/^[0-9a-f]{24}$/);
    expect(new Set(nonces).size).toBe(3);
  });
});
