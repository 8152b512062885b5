/**
 * The other direction of the interop vectors: this library writes, and Debian's Python with
 * PyCryptodome and zlib reads it back exactly as the original library does.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { toBase64, type Cipher } from '../../src/index.js';
import { flipBit, noise, utf8 } from './support.js';

const PYTHON = '/usr/bin/python3';
const CHECKER = fileURLToPath(new URL('../vectors/check_ours.py', import.meta.url));

interface CheckResult {
  readonly status: number | null;
  readonly checked: number;
  readonly failures: string[];
}

/** Runs the Python checker over the cases and returns what it reports. */
function checkWithPython(cases: object): CheckResult {
  const run = spawnSync(PYTHON, [CHECKER], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.error !== undefined) throw run.error;
  expect(run.stderr).toBe('');
  const report = JSON.parse(run.stdout) as { checked: number; failures: string[] };
  return { status: run.status, ...report };
}

const PLAINTEXTS: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['word', utf8('dinosaurs')],
  [
    'event',
    utf8(
      '{"timestamp":{"_type_":"datetime_iso","_data_":"2024-05-01T12:34:56.789+00:00"},"what":"dinosaurs"}',
    ),
  ],
  ['utf-8', utf8('Welt 🦕 Dinosaurier, Bäume, 恐竜')],
  ['noise', noise(1000)],
  ['history', utf8(JSON.stringify(Array.from({ length: 3000 }, (_, i) => `thing ${String(i)}`)))],
];

const CIPHERS: [string, (key: string) => Cipher][] = [
  ['AesGcmCipher', (key) => new AesGcmCipher(key)],
  ['NobleAesGcmCipher', (key) => new NobleAesGcmCipher(key)],
];

describe('Python reads what this library wrote', () => {
  it('decrypts both ciphers’ output and decompresses the compressor’s, as the original does', async () => {
    const aes = [];
    const zlib = [];
    const mapped = [];
    for (const [cipherName, make] of CIPHERS) {
      for (const size of [16, 24, 32]) {
        const key = AesGcmCipher.createKey(size);
        const cipher = make(key);
        for (const [name, plaintext] of PLAINTEXTS) {
          // Encrypt with our cipher; Python splits nonce, tag, ciphertext and verifies the tag.
          aes.push({
            name: `${cipherName} AES-${String(size * 8)} ${name}`,
            key,
            plaintext: toBase64(plaintext),
            ciphertext: toBase64(await cipher.encrypt(plaintext)),
          });
        }
      }
      // What the mapper stores: compress, then encrypt.
      const key = AesGcmCipher.createKey(32);
      const compressor = new ZlibCompressor();
      for (const [name, plaintext] of PLAINTEXTS) {
        mapped.push({
          name: `${cipherName} mapped ${name}`,
          key,
          plaintext: toBase64(plaintext),
          state: toBase64(await make(key).encrypt(compressor.compress(plaintext))),
        });
      }
    }
    for (const options of [{}, { level: 1 }, { level: 9 }, { level: 0 }, { storeBelow: 0 }] as const) {
      const compressor = new ZlibCompressor(options);
      // At level 0 also 65,535 bytes: one full stored block, where fflate's framing is wrong.
      const edge: [string, Uint8Array][] =
        'level' in options && options.level === 0 ? [['65535', noise(65_535)]] : [];
      for (const [name, plaintext] of [...PLAINTEXTS, ...edge]) {
        // Compress with ours; Python's zlib.decompress also checks the Adler-32 trailer.
        zlib.push({
          name: `zlib ${JSON.stringify(options)} ${name}`,
          plaintext: toBase64(plaintext),
          compressed: toBase64(compressor.compress(plaintext)),
        });
      }
    }

    const result = checkWithPython({ aes, zlib, mapped });
    expect(result.failures).toEqual([]);
    expect(result.checked).toBe(aes.length + zlib.length + mapped.length);
    expect(result.checked).toBe(36 + 31 + 12);
    expect(result.status).toBe(0);
  });

  it('is a checker that fails on a tampered ciphertext or corrupt zlib data', async () => {
    // The control: the same checker must reject bad input, so its passes above mean something.
    const key = AesGcmCipher.createKey(32);
    const plaintext = utf8('dinosaurs');
    const ciphertext = await new AesGcmCipher(key).encrypt(plaintext);
    const compressed = new ZlibCompressor({ storeBelow: 0 }).compress(plaintext);
    const result = checkWithPython({
      aes: [
        { name: 'good', key, plaintext: toBase64(plaintext), ciphertext: toBase64(ciphertext) },
        {
          name: 'tampered',
          key,
          plaintext: toBase64(plaintext),
          ciphertext: toBase64(flipBit(ciphertext, 30)),
        },
      ],
      zlib: [
        { name: 'corrupt', plaintext: toBase64(plaintext), compressed: toBase64(flipBit(compressed, 4)) },
      ],
    });
    expect(result.checked).toBe(3);
    expect(result.failures).toHaveLength(2);
    expect(result.failures[0]).toMatch(/^tampered: ValueError/);
    expect(result.failures[1]).toMatch(/^corrupt: /);
    expect(result.status).toBe(1);
  });
});
