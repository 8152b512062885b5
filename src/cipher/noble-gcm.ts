/**
 * AES-GCM over `@noble/ciphers`, in the original library's layout.
 *
 * @module
 */
import { gcm } from '@noble/ciphers/aes.js';
import { CipherError } from '../errors.js';
import { NONCE_LENGTH, fromOriginalLayout, startOutput, toOriginalLayout } from './layout.js';

/**
 * Encrypts bytes with noble, laid out as nonce, tag, ciphertext.
 *
 * @param key - 16, 24 or 32 key bytes
 * @param plaintext - the bytes
 * @param nonce - a fixed nonce, only to reproduce test vectors; a fresh random one by default
 * @returns nonce, tag, ciphertext
 * @throws {@link CipherError} when the engine fails
 */
export function nobleEncrypt(
  key: Uint8Array,
  plaintext: Uint8Array,
  nonce?: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const out = startOutput(plaintext.length, nonce);
  let sealed: Uint8Array;
  try {
    sealed = gcm(key, out.subarray(0, NONCE_LENGTH)).encrypt(plaintext);
  } catch (error) {
    throw new CipherError('cipher: AES-GCM encryption failed', { cause: error });
  }
  return toOriginalLayout(out, sealed);
}

/**
 * Decrypts bytes laid out as nonce, tag, ciphertext with noble.
 *
 * @param key - 16, 24 or 32 key bytes
 * @param data - nonce, tag, ciphertext
 * @returns the plaintext
 * @throws {@link CipherError} on a wrong key or a truncated or tampered ciphertext
 */
export function nobleDecrypt(key: Uint8Array, data: Uint8Array): Uint8Array {
  const { nonce, sealed } = fromOriginalLayout(data);
  try {
    return gcm(key, nonce).decrypt(sealed);
  } catch (error) {
    throw new CipherError(
      'cipher: AES-GCM decryption failed: the key is wrong, or the data is truncated or tampered with',
      { cause: error },
    );
  }
}
