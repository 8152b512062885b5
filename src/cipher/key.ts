/**
 * AES keys as the original library handles them: base64 text of 16, 24 or 32 random bytes.
 * Shared by both ciphers; it holds no engine code.
 *
 * @module
 */
import { fromBase64, isBase64, toBase64 } from '../persistence/bytes.js';
import { fillRandom } from './layout.js';

/** The AES key sizes, in bytes: AES-128, AES-192 and AES-256. */
export const KEY_SIZES: readonly number[] = [16, 24, 32];

// ASCII whitespace, which Python's b64decode drops too: a key read from a file or a secret
// often ends with a newline, and base64 may be wrapped over lines.
const WHITESPACE = /[\t\n\v\f\r ]/g;

/**
 * Decodes a base64 key and checks its size. ASCII whitespace in it (a trailing newline, line
 * breaks) is ignored, as the original's `b64decode` ignores it. The messages never quote the key.
 *
 * @param key - base64 text of 16, 24 or 32 bytes
 * @returns the key's bytes, in a new buffer
 * @throws TypeError when the key is not a string of standard base64
 * @throws RangeError when the key does not decode to 16, 24 or 32 bytes
 */
export function decodeKey(key: unknown): Uint8Array<ArrayBuffer> {
  if (typeof key !== 'string') {
    throw new TypeError(
      `cipher: the key must be a base64 string, got ${typeof key}; make one with createKey(32) of the cipher class`,
    );
  }
  const text = key.replace(WHITESPACE, '');
  if (!isBase64(text)) {
    throw new TypeError(
      'cipher: the key is not standard base64 text (A-Z, a-z, 0-9, + and /, padded with =); make one with createKey(32) of the cipher class',
    );
  }
  // fromBase64 returns a fresh ArrayBuffer-backed array.
  const bytes = fromBase64(text) as Uint8Array<ArrayBuffer>;
  if (!KEY_SIZES.includes(bytes.length)) {
    const length = bytes.length;
    bytes.fill(0);
    throw new RangeError(
      `cipher: the key must decode to 16, 24 or 32 bytes, got ${length}; make one with createKey(32) of the cipher class`,
    );
  }
  return bytes;
}

/**
 * Makes a new random key, as the original's `AESCipher.create_key` does.
 *
 * @param numBytes - 16, 24 or 32
 * @returns the key as base64 text
 * @throws RangeError when `numBytes` is not 16, 24 or 32
 * @throws {@link CipherError} when the runtime has no `crypto.getRandomValues`
 */
export function createKey(numBytes: number): string {
  if (!KEY_SIZES.includes(numBytes)) {
    throw new RangeError(`cipher: a key has 16, 24 or 32 bytes, got ${String(numBytes)}`);
  }
  const bytes = new Uint8Array(numBytes);
  fillRandom(bytes, 'a key');
  const text = toBase64(bytes);
  bytes.fill(0);
  return text;
}

/**
 * Names the algorithm of a key, for `toString` and `toJSON`: never the key itself.
 *
 * @param keyLength - the key's length in bytes
 * @returns for example `AES-256-GCM`
 */
export function algorithmName(keyLength: number): string {
  return `AES-${String(keyLength * 8)}-GCM`;
}

/** The key under which Node's `util.inspect` looks for an object's own description. */
export const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/** What `toJSON` of a cipher gives: its class and algorithm, never its key. */
export interface CipherDescription {
  /** The cipher's class, e.g. `AesGcmCipher`. */
  readonly cipher: string;
  /** The algorithm, e.g. `AES-256-GCM`. */
  readonly algorithm: string;
}
