import { format, inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { CipherError, fromBase64 } from '../../src/index.js';
import { describeCodecs } from './cipher.suite.js';
import { hex } from './support.js';

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
