/**
 * The @noble/ciphers AES-GCM cipher.
 *
 * @module
 */
import type { Cipher } from '../persistence/codecs.js';
import { INSPECT, algorithmName, createKey, decodeKey, type CipherDescription } from './key.js';
import { NobleGcm } from './noble-gcm.js';

/**
 * Encrypts stored state with AES-GCM in JavaScript, through `@noble/ciphers`: the same output as
 * {@link AesGcmCipher} (a random 12-byte nonce, the 16-byte tag, then the ciphertext) and as the
 * original library's `AESCipher`, for runtimes without WebCrypto's `crypto.subtle` (it needs only
 * `crypto.getRandomValues`, for nonces and keys), for AES-192 in Chromium, or where a synchronous
 * engine is faster than WebCrypto's asynchronous calls.
 *
 * @example
 * ```ts
 * import { NobleAesGcmCipher } from 'eventsourcing/cipher/noble';
 * import { ZlibCompressor } from 'eventsourcing/compressor';
 *
 * const key = NobleAesGcmCipher.createKey(32); // keep it secret
 * const app = new Worlds({ cipher: new NobleAesGcmCipher(key), compressor: new ZlibCompressor() });
 * ```
 */
export class NobleAesGcmCipher implements Cipher {
  // The prepared key, made once: the round keys (whose first words are the key itself) and
  // GHASH's tables. The decoded key bytes are zeroed after.
  readonly #gcm: NobleGcm;
  readonly #keyLength: number;

  /**
   * Creates a cipher.
   *
   * @param key - base64 text of 16, 24 or 32 bytes, as {@link NobleAesGcmCipher.createKey} makes
   * @throws TypeError when the key is not base64 text
   * @throws RangeError when the key does not decode to 16, 24 or 32 bytes
   */
  constructor(key: string) {
    const bytes = decodeKey(key);
    this.#gcm = new NobleGcm(bytes);
    this.#keyLength = bytes.length;
    bytes.fill(0);
  }

  /**
   * Makes a new random key.
   *
   * @param numBytes - 16, 24 or 32 (AES-128, AES-192, AES-256)
   * @returns the key as base64 text
   * @throws RangeError when `numBytes` is not 16, 24 or 32
   * @throws {@link CipherError} when the runtime has no `crypto.getRandomValues`
   * @example
   * ```ts
   * const key = NobleAesGcmCipher.createKey(32);
   * ```
   */
  static createKey(numBytes: number): string {
    return createKey(numBytes);
  }

  /**
   * Encrypts bytes with a fresh random nonce.
   *
   * @param plaintext - the bytes, read when the method is called (the caller may reuse them)
   * @returns nonce (12 bytes), tag (16), ciphertext
   * @throws {@link CipherError} when the runtime has no `crypto.getRandomValues` for the nonce,
   *   or the engine fails
   */
  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    return this.#gcm.encrypt(plaintext);
  }

  /**
   * Decrypts bytes made by this cipher, by `AesGcmCipher` or by the original library with the
   * same key.
   *
   * @param ciphertext - nonce, tag, ciphertext, read when the method is called
   * @returns the plaintext
   * @throws {@link CipherError} on a wrong key or a truncated or tampered ciphertext
   */
  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    return this.#gcm.decrypt(ciphertext);
  }

  /**
   * Describes the cipher without its key.
   *
   * @returns for example `NobleAesGcmCipher(AES-256-GCM)`
   */
  toString(): string {
    return `NobleAesGcmCipher(${algorithmName(this.#keyLength)})`;
  }

  /**
   * Describes the cipher for `JSON.stringify`, without its key.
   *
   * @returns the class and algorithm
   */
  toJSON(): CipherDescription {
    return { cipher: 'NobleAesGcmCipher', algorithm: algorithmName(this.#keyLength) };
  }

  /**
   * Describes the cipher for Node's `util.inspect` and `console.log`, without its key.
   *
   * @returns the same as {@link NobleAesGcmCipher.toString}
   */
  [INSPECT](): string {
    return this.toString();
  }
}
