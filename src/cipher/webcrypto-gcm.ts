/**
 * AES-GCM over WebCrypto (`crypto.subtle`), in the original library's layout.
 *
 * @module
 */
import { CipherError } from '../errors.js';
import { NONCE_LENGTH, fromOriginalLayout, startOutput, toOriginalLayout } from './layout.js';

// An inline object: `AesGcmParams` is missing from the Workers types.
const ALGORITHM = { name: 'AES-GCM' } as const;

/**
 * Imports raw key bytes as a WebCrypto AES-GCM key that can encrypt and decrypt.
 *
 * @param raw - 16, 24 or 32 bytes
 * @returns the non-extractable key
 * @throws {@link CipherError} when the runtime has no WebCrypto, or refuses the key (Chromium
 *   has no AES-192)
 */
export async function importAesGcmKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  // Typed as always there, but a browser page outside a secure context has no crypto.subtle.
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (subtle === undefined) {
    throw new CipherError(
      'cipher: this runtime has no WebCrypto (crypto.subtle); a browser has it only in a secure context (https or localhost); or use NobleAesGcmCipher',
    );
  }
  try {
    return await subtle.importKey('raw', raw, ALGORITHM, false, ['encrypt', 'decrypt']);
  } catch (error) {
    const hint =
      raw.length === 24 ? ' (Chromium has no AES-192); use a 16 or 32 byte key, or NobleAesGcmCipher' : '';
    throw new CipherError(
      `cipher: this runtime's WebCrypto refuses a ${String(raw.length * 8)}-bit AES-GCM key${hint}`,
      { cause: error },
    );
  }
}

/**
 * Encrypts bytes with WebCrypto, laid out as nonce, tag, ciphertext.
 *
 * @param key - the imported key
 * @param plaintext - the bytes
 * @param nonce - a fixed nonce, only to reproduce test vectors; a fresh random one by default
 * @returns nonce, tag, ciphertext
 * @throws {@link CipherError} when the engine fails
 */
export async function webCryptoEncrypt(
  key: CryptoKey,
  plaintext: Uint8Array,
  nonce?: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = startOutput(plaintext.length, nonce);
  let sealed: ArrayBuffer;
  try {
    sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: out.subarray(0, NONCE_LENGTH) },
      key,
      plaintext as Uint8Array<ArrayBuffer>,
    );
  } catch (error) {
    throw new CipherError('cipher: AES-GCM encryption failed', { cause: error });
  }
  return toOriginalLayout(out, new Uint8Array(sealed));
}

/**
 * Decrypts bytes laid out as nonce, tag, ciphertext with WebCrypto.
 *
 * @param key - the imported key
 * @param data - nonce, tag, ciphertext
 * @returns the plaintext
 * @throws {@link CipherError} on a wrong key or a truncated or tampered ciphertext
 */
export async function webCryptoDecrypt(key: CryptoKey, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const { nonce, sealed } = fromOriginalLayout(data);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, key, sealed));
  } catch (error) {
    throw new CipherError(
      'cipher: AES-GCM decryption failed: the key is wrong, or the data is truncated or tampered with',
      { cause: error },
    );
  }
}
