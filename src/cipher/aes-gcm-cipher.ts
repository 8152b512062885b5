/**
 * The WebCrypto AES-GCM cipher.
 *
 * @module
 */
import type { Cipher } from '../persistence/codecs.js';
import { INSPECT, algorithmName, createKey, decodeKey, type CipherDescription } from './key.js';
import { importAesGcmKey, webCryptoDecrypt, webCryptoEncrypt } from './webcrypto-gcm.js';

/**
 * Encrypts stored state with AES-GCM through WebCrypto (`crypto.subtle`), byte-compatible with
 * the original library's `AESCipher`: the output is a random 12-byte nonce, the 16-byte tag,
 * then the ciphertext. It has no dependency; the key is imported once, at first use, as a
 * non-extractable `CryptoKey`, and the raw bytes are then dropped.
 *
 * Chromium's WebCrypto has no AES-192: there, use a 16 or 32 byte key or
 * `NobleAesGcmCipher` from `eventsourcing/cipher/noble`.
 *
 * @example
 * ```ts
 * import { AesGcmCipher } from 'eventsourcing/cipher';
 * import { ZlibCompressor } from 'eventsourcing/compressor';
 *
 * const key = AesGcmCipher.createKey(32); // keep it secret, e.g. in a Worker secret
 * const app = new Worlds({ cipher: new AesGcmCipher(key), compressor: new ZlibCompressor() });
 * ```
 */
export class AesGcmCipher implements Cipher {
  readonly #keyLength: number;
  #raw: Uint8Array<ArrayBuffer> | undefined;
  #key: CryptoKey | undefined;
  #importing: Promise<CryptoKey> | undefined;

  /**
   * Creates a cipher. The key is checked here; it is imported into WebCrypto at first use.
   *
   * @param key - base64 text of 16, 24 or 32 bytes, as {@link AesGcmCipher.createKey} makes
   * @throws TypeError when the key is not base64 text
   * @throws RangeError when the key does not decode to 16, 24 or 32 bytes
   */
  constructor(key: string) {
    this.#raw = decodeKey(key);
    this.#keyLength = this.#raw.length;
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
   * const key = AesGcmCipher.createKey(32);
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
   * @throws {@link CipherError} when the runtime refuses the key or has no
   *   `crypto.getRandomValues` for the nonce, or the engine fails
   */
  async encrypt(plaintext: Uint8Array): Promise<Uint8Array> {
    // Awaited here, so a rejection already settled inside has its handler at once (workerd
    // reports a rejected promise that is only adopted later as unhandled).
    if (this.#key !== undefined) return await webCryptoEncrypt(this.#key, plaintext);
    const copy = copyOf(plaintext);
    return await webCryptoEncrypt(await this.#importKey(), copy);
  }

  /**
   * Decrypts bytes made by this cipher, by `NobleAesGcmCipher` or by the original library with
   * the same key.
   *
   * @param ciphertext - nonce, tag, ciphertext, read when the method is called
   * @returns the plaintext
   * @throws {@link CipherError} on a wrong key or a truncated or tampered ciphertext
   */
  async decrypt(ciphertext: Uint8Array): Promise<Uint8Array> {
    if (this.#key !== undefined) return await webCryptoDecrypt(this.#key, ciphertext);
    const copy = copyOf(ciphertext);
    return await webCryptoDecrypt(await this.#importKey(), copy);
  }

  /**
   * Describes the cipher without its key.
   *
   * @returns for example `AesGcmCipher(AES-256-GCM)`
   */
  toString(): string {
    return `AesGcmCipher(${algorithmName(this.#keyLength)})`;
  }

  /**
   * Describes the cipher for `JSON.stringify`, without its key.
   *
   * @returns the class and algorithm
   */
  toJSON(): CipherDescription {
    return { cipher: 'AesGcmCipher', algorithm: algorithmName(this.#keyLength) };
  }

  /**
   * Describes the cipher for Node's `util.inspect` and `console.log`, without its key.
   *
   * @returns the same as {@link AesGcmCipher.toString}
   */
  [INSPECT](): string {
    return this.toString();
  }

  #importKey(): Promise<CryptoKey> {
    const raw = this.#raw;
    // Every caller awaits the one import; a refused key keeps failing the same way.
    this.#importing ??= importAesGcmKey(raw as Uint8Array<ArrayBuffer>).then((key) => {
      this.#key = key;
      raw?.fill(0);
      this.#raw = undefined;
      return key;
    });
    return this.#importing;
  }
}

/**
 * Copies the input of a call that waits for the key: WebCrypto reads its input when it is
 * called, so without the copy the bytes encrypted or decrypted would be those the caller has
 * after the call returns (a reused buffer), unlike every later call and `NobleAesGcmCipher`.
 * Uint8Array's own `slice`: a Node `Buffer`'s would share memory.
 */
function copyOf(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return Uint8Array.prototype.slice.call(bytes);
}
