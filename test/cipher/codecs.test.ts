import { format, inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { CipherError, fromBase64 } from '../../src/index.js';
import { describeCodecs } from './cipher.suite.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { hex, utf8 } from './support.js';

// Node's WebCrypto takes 128, 192 and 256-bit AES keys.
describeCodecs('node', { webCryptoAes192: true });

describe('ciphers in Node’s util.inspect', () => {
  it('show the algorithm and never the key', () => {
    for (const make of [(k: string) => new AesGcmCipher(k), (k: string) => new NobleAesGcmCipher(k)]) {
      const key = AesGcmCipher.createKey(24);
      const cipher = make(key);
      // What console.log and a debugger print, alone and inside a config object.
      const texts = [
        inspect(cipher),
        inspect(cipher, { showHidden: true, depth: Infinity }),
        inspect({ config: { cipher } }, { showHidden: true }),
        format('%o %O %s', cipher, cipher, cipher),
      ];
      for (const text of texts) {
        expect(text).toContain('AES-192-GCM');
        expect(text).not.toContain(key);
        expect(text).not.toContain(hex(fromBase64(key)));
      }
    }
  });
});

describe('AesGcmCipher where crypto.subtle is missing', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fails at first use with a CipherError that names the cause and the other cipher', async () => {
    // A browser page outside a secure context has crypto.getRandomValues but no crypto.subtle.
    const key = AesGcmCipher.createKey(32);
    vi.stubGlobal('crypto', { getRandomValues: crypto.getRandomValues.bind(crypto) });
    const cipher = new AesGcmCipher(key);
    await expect(cipher.encrypt(new Uint8Array(1))).rejects.toThrow(CipherError);
    await expect(cipher.encrypt(new Uint8Array(1))).rejects.toThrow(/secure context.*NobleAesGcmCipher/);
    // The noble cipher needs only getRandomValues.
    const noble = new NobleAesGcmCipher(key);
    expect(await noble.decrypt(await noble.encrypt(new Uint8Array([1, 2, 3])))).toEqual(
      new Uint8Array([1, 2, 3]),
    );
  });
});

describe('ZlibCompressor with Node Buffers', () => {
  it('returns bytes of their own, never a view of the input', () => {
    const compressor = new ZlibCompressor();
    for (const input of [utf8('small'), utf8('dinosaurs, trucks, internet. '.repeat(100))]) {
      // A Buffer view in the middle of a larger buffer, as Node hands them out.
      const compressed = compressor.compress(input);
      const buffer = Buffer.alloc(compressed.length + 20);
      buffer.set(compressed, 10);
      const view = buffer.subarray(10, 10 + compressed.length);
      const output = compressor.decompress(view);
      // (A copy made by Uint8Array's slice of a Buffer is a Buffer of its own: compare bytes.)
      expect(Array.from(output)).toEqual(Array.from(input));
      expect(output.buffer).not.toBe(buffer.buffer);
      // Changing the input afterwards leaves the output as it was.
      buffer.fill(0);
      expect(Array.from(output)).toEqual(Array.from(input));
    }
  });
});

describe('a runtime without crypto.getRandomValues', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('fails to encrypt with a CipherError that says what is missing', async () => {
    const cipher = new NobleAesGcmCipher(NobleAesGcmCipher.createKey(32));
    vi.stubGlobal('crypto', undefined);
    const error = await cipher.encrypt(utf8('dinosaurs')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CipherError);
    expect((error as Error).message).toMatch(/getRandomValues/);
  });

  it('fails to make a key with a CipherError that says what is missing', () => {
    vi.stubGlobal('crypto', undefined);
    for (const createKey of [
      (n: number) => AesGcmCipher.createKey(n),
      (n: number) => NobleAesGcmCipher.createKey(n),
    ]) {
      expect(() => createKey(32)).toThrow(CipherError);
      expect(() => createKey(32)).toThrow(/^cipher: .*getRandomValues/);
      // A wrong size is still the caller's mistake, said first.
      expect(() => createKey(20)).toThrow(RangeError);
    }
  });
});
