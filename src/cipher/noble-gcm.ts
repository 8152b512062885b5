/**
 * AES-GCM over `@noble/ciphers`, in the original library's layout.
 *
 * `gcm(key, nonce)` of `@noble/ciphers` expands the key and builds GHASH's tables again for every
 * message, which costs more than encrypting a small event. This module composes AES-GCM (NIST
 * SP 800-38D with a 96-bit IV and no associated data) from noble's own AES and GHASH, with that
 * key-dependent work done once per key. It holds no block cipher or field arithmetic of its own.
 *
 * @module
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { GHASH } from '@noble/ciphers/_polyval.js';
import { equalBytes } from '@noble/ciphers/utils.js';
import { CipherError } from '../errors.js';
import { MIN_LENGTH, NONCE_LENGTH, checkLength, startOutput } from './layout.js';

const BLOCK_LENGTH = 16;

// noble sizes GHASH's tables from a length hint: a hint above 1 KiB and up to 64 KiB gives 4-bit
// windows (about 17 KB per key, built in about 20 µs). 8-bit ones (about 230 KB, built in about
// 190 µs) hash small states no faster, and 100 KB ones only about 20% faster.
const GHASH_TABLE_HINT = 4096;

/** GHASH whose running value can be cleared, so one set of key tables serves every message. */
class ReusableGhash extends GHASH {
  /**
   * Clears the running value: `update` pads every call to whole blocks and keeps nothing else
   * between calls, so the instance is then as new.
   *
   * @returns this instance
   */
  reset(): this {
    this.s0 = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
    this.finished = false;
    return this;
  }
}

/**
 * AES-GCM with one key, in the original layout: a 12-byte nonce, the 16-byte tag, then the
 * ciphertext. One instance serves any number of messages, also from concurrent callers: every
 * call runs to its end synchronously, so the scratch blocks are never shared between two calls.
 */
export class NobleGcm {
  readonly #roundKeys: Uint32Array;
  readonly #ghash: ReusableGhash;
  // Scratch blocks: each a fresh buffer, so 4-byte aligned as noble's word views require.
  readonly #counter = new Uint8Array(BLOCK_LENGTH);
  readonly #tagMask = new Uint8Array(BLOCK_LENGTH);
  readonly #lengths = new Uint8Array(BLOCK_LENGTH);
  readonly #lengthsView = new DataView(this.#lengths.buffer);
  readonly #expectedTag = new Uint8Array(BLOCK_LENGTH);

  /**
   * Prepares a key: the AES round keys, and GHASH's tables for the hash key H = E_K(0^128).
   *
   * @param key - 16, 24 or 32 key bytes
   * @throws Error when the key is not 16, 24 or 32 bytes
   */
  constructor(key: Uint8Array) {
    this.#roundKeys = unsafe.expandKeyLE(key);
    const hashKey = unsafe.encryptBlock(this.#roundKeys, new Uint8Array(BLOCK_LENGTH));
    this.#ghash = new ReusableGhash(hashKey, GHASH_TABLE_HINT);
    hashKey.fill(0);
  }

  /**
   * Encrypts bytes, laid out as nonce, tag, ciphertext.
   *
   * @param plaintext - the bytes
   * @param nonce - a fixed nonce, only to reproduce test vectors; a fresh random one by default
   * @returns nonce, tag, ciphertext
   * @throws {@link CipherError} when the engine fails
   */
  encrypt(plaintext: Uint8Array, nonce?: Uint8Array): Uint8Array<ArrayBuffer> {
    const out = startOutput(plaintext.length, nonce);
    const ciphertext = out.subarray(MIN_LENGTH);
    try {
      this.#start(out.subarray(0, NONCE_LENGTH));
      unsafe.ctr32(this.#roundKeys, false, this.#counter, aligned(plaintext), ciphertext);
      this.#computeTag(ciphertext, out.subarray(NONCE_LENGTH, MIN_LENGTH));
    } catch (error) {
      throw new CipherError('cipher: AES-GCM encryption failed', { cause: error });
    } finally {
      this.#wipe();
    }
    return out;
  }

  /**
   * Decrypts bytes laid out as nonce, tag, ciphertext. The tag is checked, in constant time,
   * before any plaintext is made.
   *
   * @param data - nonce, tag, ciphertext
   * @returns the plaintext
   * @throws {@link CipherError} on a wrong key or a truncated or tampered ciphertext
   */
  decrypt(data: Uint8Array): Uint8Array<ArrayBuffer> {
    checkLength(data);
    try {
      const ciphertext = aligned(data.subarray(MIN_LENGTH));
      this.#start(data.subarray(0, NONCE_LENGTH));
      this.#computeTag(ciphertext, this.#expectedTag);
      if (!equalBytes(this.#expectedTag, data.subarray(NONCE_LENGTH, MIN_LENGTH))) {
        throw new Error('aes-gcm: invalid tag');
      }
      const plaintext = new Uint8Array(ciphertext.length);
      unsafe.ctr32(this.#roundKeys, false, this.#counter, ciphertext, plaintext);
      return plaintext;
    } catch (error) {
      throw new CipherError(
        'cipher: AES-GCM decryption failed: the key is wrong, or the data is truncated or tampered with',
        { cause: error },
      );
    } finally {
      this.#wipe();
    }
  }

  /**
   * Sets the counter to J0 = nonce || 0^31 || 1, keeps E_K(J0) to mask the tag, then steps the
   * counter to inc32(J0), where the keystream starts.
   */
  #start(nonce: Uint8Array): void {
    const counter = this.#counter;
    counter.set(nonce);
    counter.fill(0, NONCE_LENGTH);
    counter[BLOCK_LENGTH - 1] = 1;
    this.#tagMask.set(counter);
    unsafe.encryptBlock(this.#roundKeys, this.#tagMask);
    counter[BLOCK_LENGTH - 1] = 2;
  }

  /**
   * Writes the tag of a ciphertext without associated data: GHASH_H(C, then the block of the
   * bit lengths of the empty associated data and of C), masked with E_K(J0).
   */
  #computeTag(ciphertext: Uint8Array, tag: Uint8Array): void {
    // A 64-bit big-endian count in the last 8 bytes; the first 8 (the empty data's) stay 0.
    const bits = ciphertext.length * 8;
    this.#lengthsView.setUint32(8, Math.floor(bits / 2 ** 32));
    this.#lengthsView.setUint32(12, bits >>> 0);
    this.#ghash.reset().update(ciphertext).update(this.#lengths).digestInto(tag);
    unsafe.xorBlock(tag, this.#tagMask);
  }

  /** Clears what one message left behind that could help recover the hash key. */
  #wipe(): void {
    this.#tagMask.fill(0);
    this.#expectedTag.fill(0);
    this.#ghash.reset();
  }
}

/** The bytes themselves when 4-byte aligned, as noble's word views need, else an aligned copy. */
function aligned(bytes: Uint8Array): Uint8Array {
  // new Uint8Array, not slice: Buffer's slice is a view at the same unaligned offset.
  return bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
}
