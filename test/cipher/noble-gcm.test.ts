/**
 * The noble AES-GCM engine is composed from noble's AES and GHASH, with the key's tables made
 * once and reused: these tests hold it to noble's own `gcm`, to WebCrypto and to published
 * vectors, across key sizes, lengths, alignments, failures and interleaved use of one instance.
 */
import { gcm } from '@noble/ciphers/aes.js';
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { NobleGcm } from '../../src/cipher/noble-gcm.js';
import { CipherError, fromBase64 } from '../../src/index.js';
import { failureOf, firstDifference, hex, noise } from './support.js';

const KEY_SIZES = [16, 24, 32];
const LENGTHS = [0, 1, 15, 16, 17, 100, 4096, 100_000];

/** Bytes from hex. */
function unhex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** noble's one-shot `gcm`, reordered to nonce, tag, ciphertext. */
function referenceEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const sealed = gcm(key, nonce).encrypt(plaintext);
  const textLength = plaintext.length;
  return Uint8Array.of(...nonce, ...sealed.subarray(textLength), ...sealed.subarray(0, textLength));
}

/** noble's one-shot `gcm` on data laid out as nonce, tag, ciphertext. */
function referenceDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  const sealed = new Uint8Array(data.length - 12);
  sealed.set(data.subarray(28));
  sealed.set(data.subarray(12, 28), data.length - 28);
  return gcm(key, data.subarray(0, 12)).decrypt(sealed);
}

/** A copy of bytes at an odd offset of a larger buffer, as a database driver may hand them over. */
function unaligned(bytes: Uint8Array): Uint8Array {
  const buffer = Buffer.alloc(bytes.length + 3);
  buffer.set(bytes, 1);
  return buffer.subarray(1, 1 + bytes.length);
}

describe('NobleGcm, composed from noble’s AES and GHASH', () => {
  it('matches published AES-GCM test vectors', () => {
    // The GCM specification's test cases 1, 2, 3 (AES-128) and 13, 14 (AES-256).
    const vectors = [
      { key: '00'.repeat(16), iv: '00'.repeat(12), p: '', c: '', t: '58e2fccefa7e3061367f1d57a4e7455a' },
      {
        key: '00'.repeat(16),
        iv: '00'.repeat(12),
        p: '00'.repeat(16),
        c: '0388dace60b6a392f328c2b971b2fe78',
        t: 'ab6e47d42cec13bdf53a67b21257bddf',
      },
      {
        key: 'feffe9928665731c6d6a8f9467308308',
        iv: 'cafebabefacedbaddecaf888',
        p:
          'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
          '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
        c:
          '42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e' +
          '21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985',
        t: '4d5c2af327cd64a62cf35abd2ba6fab4',
      },
      { key: '00'.repeat(32), iv: '00'.repeat(12), p: '', c: '', t: '530f8afbc74536b9a963b4f1c4cb738b' },
      {
        key: '00'.repeat(32),
        iv: '00'.repeat(12),
        p: '00'.repeat(16),
        c: 'cea7403d4d606b6e074ec5d3baf39d18',
        t: 'd0d1c8a799996bf0265b98b5d48ab919',
      },
    ];
    for (const v of vectors) {
      const engine = new NobleGcm(unhex(v.key));
      const encrypted = engine.encrypt(unhex(v.p), unhex(v.iv));
      expect(hex(encrypted)).toBe(v.iv + v.t + v.c);
      expect(hex(engine.decrypt(encrypted))).toBe(v.p);
    }
  });

  it('encrypts byte for byte as noble’s gcm, one instance for many messages in any order', () => {
    for (const size of KEY_SIZES) {
      const key = noise(size, size);
      const engine = new NobleGcm(key);
      // Long, short, empty, long again: every message must start from a clean GHASH state.
      for (const length of [...LENGTHS, ...LENGTHS.slice().reverse()]) {
        const plaintext = noise(length, length + 7);
        const nonce = noise(12, length + 11);
        const expected = referenceEncrypt(key, nonce, plaintext);
        const actual = engine.encrypt(plaintext, nonce);
        expect(firstDifference(actual, expected), `${String(size)}-byte key, ${String(length)} bytes`).toBe(
          -1,
        );
      }
    }
  });

  it('round-trips with noble’s gcm and with AesGcmCipher, every key size and length', async () => {
    for (const size of KEY_SIZES) {
      const key = AesGcmCipher.createKey(size);
      const raw = fromBase64(key);
      const noble = new NobleAesGcmCipher(key);
      const webCrypto = new AesGcmCipher(key);
      for (const length of LENGTHS) {
        const plaintext = noise(length, length + 3);
        const label = `${String(size)}-byte key, ${String(length)} bytes`;
        // What the new engine writes, the others read.
        const ours = await noble.encrypt(plaintext);
        expect(firstDifference(referenceDecrypt(raw, ours), plaintext), label).toBe(-1);
        expect(firstDifference(await webCrypto.decrypt(ours), plaintext), label).toBe(-1);
        // What the others write, the new engine reads.
        const theirs = referenceEncrypt(raw, noise(12, length), plaintext);
        expect(firstDifference(await noble.decrypt(theirs), plaintext), label).toBe(-1);
        expect(
          firstDifference(await noble.decrypt(await webCrypto.encrypt(plaintext)), plaintext),
          label,
        ).toBe(-1);
      }
    }
  });

  it('takes plaintext and ciphertext at unaligned offsets, and leaves them untouched', () => {
    const key = noise(32, 5);
    const engine = new NobleGcm(key);
    for (const length of [0, 1, 17, 100, 4096]) {
      const plaintext = noise(length, length + 1);
      const nonce = noise(12, length + 2);
      const input = unaligned(plaintext);
      const encrypted = engine.encrypt(input, nonce);
      expect(firstDifference(encrypted, referenceEncrypt(key, nonce, plaintext))).toBe(-1);
      expect(firstDifference(input, plaintext)).toBe(-1);
      const stored = unaligned(encrypted);
      expect(firstDifference(engine.decrypt(stored), plaintext)).toBe(-1);
      expect(firstDifference(stored, encrypted)).toBe(-1);
    }
  });

  it('refuses data with any single byte changed, and works on afterwards', () => {
    const engine = new NobleGcm(noise(16, 9));
    const plaintext = noise(40, 10);
    const encrypted = engine.encrypt(plaintext);
    // Every byte of nonce, tag and ciphertext, each changed in every bit at once.
    for (let index = 0; index < encrypted.length; index++) {
      const tampered = encrypted.slice();
      tampered[index] = (tampered[index] ?? 0) ^ 0xff;
      let thrown: unknown;
      try {
        engine.decrypt(tampered);
      } catch (error) {
        thrown = error;
      }
      expect(thrown, `byte ${String(index)} changed`).toBeInstanceOf(CipherError);
      expect((thrown as Error).cause).toBeInstanceOf(Error);
      // A failure must leave no state behind for the next message.
      expect(firstDifference(engine.decrypt(encrypted), plaintext)).toBe(-1);
    }
  });

  it('refuses a key that is not 16, 24 or 32 bytes', () => {
    for (const length of [0, 15, 17, 31, 33]) {
      expect(() => new NobleGcm(new Uint8Array(length))).toThrow(/expected Uint8Array of length 16\/24\/32/);
    }
  });
});

describe('NobleAesGcmCipher, one instance shared', () => {
  it('never gives two encryptions the same nonce, across instances too', async () => {
    const key = NobleAesGcmCipher.createKey(32);
    const ciphers = [new NobleAesGcmCipher(key), new NobleAesGcmCipher(key)];
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const encrypted = await (ciphers[i % 2] as NobleAesGcmCipher).encrypt(noise(10, i + 1));
      nonces.add(hex(encrypted.subarray(0, 12)));
    }
    expect(nonces.size).toBe(2000);
  });

  it('round-trips 100 encryptions and decryptions interleaved on one instance, with a failed decryption among them', async () => {
    // Each call runs to its end synchronously, so "concurrent" calls interleave one after
    // another: this checks that the instance's reused scratch blocks (counter, tag mask, GHASH
    // state, wiped after a failure) carry nothing from one call into the next.
    const cipher = new NobleAesGcmCipher(NobleAesGcmCipher.createKey(24));
    const plaintexts = Array.from({ length: 100 }, (_, i) => noise((i * 37) % 300, i + 1));
    const encrypted = await Promise.all(plaintexts.map((p) => cipher.encrypt(p)));
    // Decrypt all of them while new encryptions and a failing decryption run alongside.
    const [decrypted, more, failure] = await Promise.all([
      Promise.all(encrypted.map((e) => cipher.decrypt(e))),
      Promise.all(plaintexts.map((p) => cipher.encrypt(p))),
      failureOf(() => cipher.decrypt(new Uint8Array(64))),
    ]);
    expect(failure).toBeInstanceOf(CipherError);
    decrypted.forEach((d, i) => {
      expect(firstDifference(d, plaintexts[i] ?? new Uint8Array())).toBe(-1);
    });
    const again = await Promise.all(more.map((e) => cipher.decrypt(e)));
    again.forEach((d, i) => {
      expect(firstDifference(d, plaintexts[i] ?? new Uint8Array())).toBe(-1);
    });
  });
});
