/**
 * The codec suite: both AES-GCM ciphers and the zlib compressor, on every runtime. A runtime
 * joins it with a few lines:
 *
 * ```ts
 * import { describeCodecs } from '../cipher/cipher.suite.js';
 * describeCodecs('workerd', { webCryptoAes192: true });
 * ```
 */
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { NobleGcm } from '../../src/cipher/noble-gcm.js';
import { importAesGcmKey, webCryptoEncrypt } from '../../src/cipher/webcrypto-gcm.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { CipherError, EventSourcingError, fromBase64, toBase64 } from '../../src/index.js';
import { describeCompressor } from './compressor.cases.js';
import { errorTexts, failureOf, firstDifference, flipBit, hex, noise, utf8 } from './support.js';
import { aesVectors, mappedVectors, zlibVectors } from './vectors.js';

/** What a runtime can do, where runtimes differ. */
export interface CodecSuiteOptions {
  /** Whether the runtime's WebCrypto takes 192-bit AES keys (Chromium's does not). */
  readonly webCryptoAes192: boolean;
}

/** One cipher under test. */
interface CipherCase {
  readonly name: string;
  readonly make: (key: string) => AesGcmCipher | NobleAesGcmCipher;
  readonly createKey: (numBytes: number) => string;
  /** Encrypts with a given nonce: only to compare with the original's output byte for byte. */
  readonly encryptWithNonce: (key: string, plaintext: Uint8Array, nonce: Uint8Array) => Promise<Uint8Array>;
  /** Whether the cipher takes 24-byte keys on this runtime. */
  readonly aes192: boolean;
}

const KEY_SIZES = [16, 24, 32];

/**
 * Defines the codec tests: each cipher alone, the two against each other and the original's
 * vectors, and the compressor.
 *
 * @param runtime - the runtime's name in test titles
 * @param options - what the runtime can do
 */
export function describeCodecs(runtime: string, options: CodecSuiteOptions): void {
  const ciphers: CipherCase[] = [
    {
      name: 'AesGcmCipher',
      make: (key) => new AesGcmCipher(key),
      createKey: (n) => AesGcmCipher.createKey(n),
      encryptWithNonce: async (key, plaintext, nonce) =>
        webCryptoEncrypt(await importAesGcmKey(fromBase64(key) as Uint8Array<ArrayBuffer>), plaintext, nonce),
      aes192: options.webCryptoAes192,
    },
    {
      name: 'NobleAesGcmCipher',
      make: (key) => new NobleAesGcmCipher(key),
      createKey: (n) => NobleAesGcmCipher.createKey(n),
      encryptWithNonce: async (key, plaintext, nonce) =>
        new NobleGcm(fromBase64(key)).encrypt(plaintext, nonce),
      aes192: true,
    },
  ];

  describe(`codecs in ${runtime}`, () => {
    it('loads every vector of the original (so no loop over them can pass by running zero times)', () => {
      const byKeyLength = (n: number): number => aesVectors.filter((v) => v.keyLength === n).length;
      expect([byKeyLength(16), byKeyLength(24), byKeyLength(32)]).toEqual([7, 7, 7]);
      expect(zlibVectors).toHaveLength(35);
      expect(mappedVectors).toHaveLength(2);
    });
    for (const c of ciphers) describeCipher(c);
    describeInterop(ciphers);
    describeCompressor();
  });
}

function describeCipher(c: CipherCase): void {
  describe(c.name, () => {
    it('round-trips bytes of many lengths with every key size it supports', async () => {
      for (const size of KEY_SIZES.filter((s) => s !== 24 || c.aes192)) {
        const cipher = c.make(c.createKey(size));
        for (const plaintext of [
          new Uint8Array(0),
          utf8('dinosaurs'),
          noise(16),
          noise(1000),
          noise(70_000),
        ]) {
          // Check the layout's length: nonce (12) and tag (16) around a same-length ciphertext.
          const encrypted = await cipher.encrypt(plaintext);
          expect(encrypted.length).toBe(28 + plaintext.length);
          // Check the ciphertext does not hold the plaintext, then that it decrypts back.
          const holdsPlaintext =
            plaintext.length >= 16 && hex(encrypted).includes(hex(plaintext.subarray(0, 16)));
          expect(holdsPlaintext).toBe(false);
          expect(firstDifference(await cipher.decrypt(encrypted), plaintext)).toBe(-1);
        }
      }
    });

    it('reads its input when called, so the caller may reuse the buffer at once, on first use too', async () => {
      const key = c.createKey(32);
      const plaintext = utf8('dinosaurs');
      // A fresh cipher each time: the first calls are the ones that may wait for the key.
      const buffer = plaintext.slice();
      const encrypting = c.make(key).encrypt(buffer);
      buffer.fill(0x41);
      const encrypted = await encrypting;
      const copy = encrypted.slice();
      const decrypting = c.make(key).decrypt(copy);
      copy.fill(0);
      expect(await decrypting).toEqual(plaintext);
      // And once the key is ready.
      const cipher = c.make(key);
      await cipher.encrypt(plaintext);
      buffer.set(plaintext);
      const again = cipher.encrypt(buffer);
      buffer.fill(0x42);
      expect(await cipher.decrypt(await again)).toEqual(plaintext);
    });

    it('takes a fresh nonce for every encryption', async () => {
      const cipher = c.make(c.createKey(32));
      const plaintext = utf8('the same plaintext every time');
      // Encrypt the same bytes many times, concurrently too, and collect the nonces.
      const outputs = await Promise.all(Array.from({ length: 600 }, () => cipher.encrypt(plaintext)));
      const nonces = new Set(outputs.map((o) => hex(o.subarray(0, 12))));
      const ciphertexts = new Set(outputs.map((o) => hex(o)));
      expect(nonces.size).toBe(600);
      expect(ciphertexts.size).toBe(600);
    });

    it('decrypts what the original library encrypted', async () => {
      for (const vector of aesVectors.filter((v) => v.keyLength !== 24 || c.aes192)) {
        // Check each vector of Python's AESCipher layout decrypts to its plaintext.
        const cipher = c.make(vector.key);
        expect(firstDifference(await cipher.decrypt(vector.ciphertext), vector.plaintext), vector.name).toBe(
          -1,
        );
      }
    });

    it('encrypts byte for byte as the original library does, given the same nonce', async () => {
      for (const vector of aesVectors.filter((v) => v.keyLength !== 24 || c.aes192)) {
        // Check the engine's output, reordered to nonce, tag, ciphertext, equals Python's.
        const encrypted = await c.encryptWithNonce(vector.key, vector.plaintext, vector.nonce);
        expect(hex(encrypted), vector.name).toBe(hex(vector.ciphertext));
      }
    });

    if (!c.aes192) {
      it('fails with CipherError at first use of a 24-byte key the runtime refuses', async () => {
        // The key is valid, so construction succeeds; the runtime's WebCrypto refuses it later.
        const cipher = c.make(c.createKey(24));
        for (const run of [() => cipher.encrypt(utf8('x')), () => cipher.decrypt(new Uint8Array(40))]) {
          const error = await failureOf(run);
          expect(error).toBeInstanceOf(CipherError);
          expect(error.message).toMatch(/192-bit/);
          expect(error.cause).toBeInstanceOf(Error);
        }
      });
    }

    it('fails with CipherError, with the engine error as cause, on a wrong key', async () => {
      const encrypted = await c.make(c.createKey(32)).encrypt(utf8('dinosaurs'));
      for (const size of [16, 32]) {
        // Decrypt with another key of each size: the tag cannot match.
        const error = await failureOf(() => c.make(c.createKey(size)).decrypt(encrypted));
        expect(error).toBeInstanceOf(CipherError);
        expect(error).toBeInstanceOf(EventSourcingError);
        expect(error.name).toBe('CipherError');
        expect(error.message).toMatch(/^cipher: /);
        expect(error.cause).toBeInstanceOf(Error);
        expect(error.cause).not.toBeInstanceOf(EventSourcingError);
      }
    });

    it('fails with CipherError on truncated data', async () => {
      const cipher = c.make(c.createKey(32));
      const encrypted = await cipher.encrypt(utf8('trucks and internet'));
      // Cut from the end: still long enough for the engine, which rejects the tag.
      for (const length of [encrypted.length - 1, 28]) {
        const error = await failureOf(() => cipher.decrypt(encrypted.subarray(0, length)));
        expect(error).toBeInstanceOf(CipherError);
        expect(error.cause).toBeInstanceOf(Error);
      }
      // Shorter than a nonce and a tag: refused before the engine is called.
      for (const length of [27, 12, 0]) {
        const error = await failureOf(() => cipher.decrypt(encrypted.subarray(0, length)));
        expect(error).toBeInstanceOf(CipherError);
        expect(error.message).toMatch(/truncated/);
      }
    });

    it('fails with CipherError when any part of the data is tampered with', async () => {
      const cipher = c.make(c.createKey(16));
      const encrypted = await cipher.encrypt(utf8('{"what":"dinosaurs"}'));
      // Flip one bit in the nonce, in the tag and in the ciphertext.
      for (const index of [0, 11, 12, 27, 28, encrypted.length - 1]) {
        const error = await failureOf(() => cipher.decrypt(flipBit(encrypted, index)));
        expect(error, `bit flipped at ${String(index)}`).toBeInstanceOf(CipherError);
        expect(error.cause).toBeInstanceOf(Error);
      }
      // The untouched data still decrypts.
      expect(await cipher.decrypt(encrypted)).toEqual(utf8('{"what":"dinosaurs"}'));
    });

    it('refuses bad keys at construction, without quoting them', () => {
      const bad: [unknown, ErrorConstructor | RangeErrorConstructor][] = [
        [undefined, TypeError],
        [1234, TypeError],
        [fromBase64(c.createKey(16)), TypeError],
        ['not a key at all!', TypeError],
        [c.createKey(32).replace(/=$/, ''), TypeError],
        [c.createKey(32).replaceAll('/', '_').replaceAll('+', '-') + '_-', TypeError],
        ['', RangeError],
        [toBase64(noise(15)), RangeError],
        [toBase64(noise(17)), RangeError],
        [toBase64(noise(31)), RangeError],
        [toBase64(noise(33)), RangeError],
        [toBase64(noise(64)), RangeError],
      ];
      for (const [key, type] of bad) {
        // Check the error type, and that the message says what to do without quoting the key.
        let thrown: unknown;
        try {
          c.make(key as string);
        } catch (error) {
          thrown = error;
        }
        expect(thrown, String(key)).toBeInstanceOf(type);
        const message = (thrown as Error).message;
        expect(message).toMatch(/^cipher: .*16, 24 or 32|^cipher: .*base64/);
        // The message never repeats the key it refuses.
        expect(typeof key === 'string' && key !== '' && message.includes(key)).toBe(false);
      }
    });

    it('reads a key with ASCII whitespace in it, as the original’s b64decode does', async () => {
      const key = c.createKey(32);
      const plaintext = utf8('{"what":"dinosaurs"}');
      const encrypted = await c.make(key).encrypt(plaintext);
      // A key read from a file or a secret ends with a newline; base64 may be wrapped in lines.
      const variants = [`${key}\n`, `${key}\r\n`, `  ${key}\t`, `${key.slice(0, 20)}\n${key.slice(20)}`];
      for (const variant of variants) {
        expect(await c.make(variant).decrypt(encrypted), JSON.stringify(variant)).toEqual(plaintext);
      }
      // Other characters are still refused, and the message says what base64 is.
      expect(() => c.make(`${key}.`)).toThrow(/A-Z, a-z, 0-9, \+ and \//);
    });

    it('creates random base64 keys of 16, 24 and 32 bytes, and refuses other sizes', () => {
      for (const size of KEY_SIZES) {
        // Check the size, and that two keys differ.
        const key = c.createKey(size);
        expect(fromBase64(key).length).toBe(size);
        expect(c.createKey(size)).not.toBe(key);
      }
      for (const size of [0, 8, 12, 20, 31, 64, 16.5, Number.NaN]) {
        expect(() => c.createKey(size)).toThrow(RangeError);
        expect(() => c.createKey(size)).toThrow(/16, 24 or 32/);
      }
    });

    it('never shows its key in strings, JSON or errors', async () => {
      const key = c.createKey(32);
      const keyHex = hex(fromBase64(key));
      const cipher = c.make(key);
      const encrypted = await cipher.encrypt(utf8('dinosaurs'));
      // Gather every text a cipher or its errors give out.
      const texts = [
        String(cipher),
        cipher.toString(),
        [cipher].join(),
        JSON.stringify(cipher),
        JSON.stringify({ config: { cipher } }),
        JSON.stringify(Object.entries(cipher)),
        Object.getOwnPropertyNames(cipher).join(','),
        ...errorTexts(await failureOf(() => cipher.decrypt(flipBit(encrypted, 30)))),
        ...errorTexts(await failureOf(() => c.make(c.createKey(32)).decrypt(encrypted))),
        ...errorTexts(await failureOf(() => cipher.decrypt(encrypted.subarray(0, 20)))),
      ];
      for (const text of texts) {
        expect(text).not.toContain(key);
        expect(text.toLowerCase()).not.toContain(keyHex);
      }
      // Check what they do say: the class and the algorithm.
      expect(String(cipher)).toBe(`${c.name}(AES-256-GCM)`);
      expect(JSON.parse(JSON.stringify(cipher))).toEqual({ cipher: c.name, algorithm: 'AES-256-GCM' });
    });
  });
}

function describeInterop(ciphers: readonly CipherCase[]): void {
  describe('the two ciphers together', () => {
    it('decrypt each other’s output with the same key', async () => {
      for (const size of [16, 24, 32]) {
        const pair = ciphers.filter((c) => size !== 24 || c.aes192);
        const key = AesGcmCipher.createKey(size);
        for (const from of pair) {
          for (const to of pair) {
            // Encrypt with one, decrypt with the other (and with itself).
            const plaintext = utf8(`${from.name} to ${to.name}, ${String(size * 8)}-bit key`);
            const encrypted = await from.make(key).encrypt(plaintext);
            expect(await to.make(key).decrypt(encrypted)).toEqual(plaintext);
          }
        }
      }
    });

    it('read what the original mapper stored: compressed, then encrypted', async () => {
      const compressor = new ZlibCompressor();
      for (const c of ciphers) {
        for (const vector of mappedVectors) {
          // Decrypt, then decompress, as the mapper reads a stored event's state.
          const state = compressor.decompress(await c.make(vector.key).decrypt(vector.state));
          expect(state, `${c.name} ${vector.name}`).toEqual(vector.plaintext);
          expect(JSON.parse(new TextDecoder().decode(state))).toHaveProperty('timestamp');
        }
      }
    });
  });
}
