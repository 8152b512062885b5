/**
 * The original library's AES-GCM layout: nonce (12 bytes), then tag (16), then ciphertext.
 * WebCrypto takes and gives ciphertext then tag, so the cipher over it reorders with these
 * helpers; both ciphers take their nonces and length checks from here, and their keys' random
 * bytes. It holds no engine code.
 *
 * @module
 */
import { CipherError } from '../errors.js';

/** The nonce length, in bytes: a fresh random nonce for every encryption. */
export const NONCE_LENGTH = 12;

/** The authentication tag length, in bytes. */
export const TAG_LENGTH = 16;

/** The shortest valid output: a nonce and a tag around an empty ciphertext. */
export const MIN_LENGTH = NONCE_LENGTH + TAG_LENGTH;

/**
 * Allocates the output of one encryption and writes its nonce into the first 12 bytes.
 *
 * @param plaintextLength - the plaintext's length in bytes
 * @param nonce - a fixed nonce, only to reproduce test vectors; a fresh random one by default
 * @returns the output buffer; its first 12 bytes are the nonce
 * @throws {@link CipherError} when the runtime has no `crypto.getRandomValues`
 */
export function startOutput(plaintextLength: number, nonce?: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(MIN_LENGTH + plaintextLength);
  if (nonce !== undefined) {
    out.set(nonce.subarray(0, NONCE_LENGTH));
    return out;
  }
  // One call per nonce, never a pool of random bytes kept for later: a pool is part of the
  // heap, and a heap restored from a snapshot (Node's --build-snapshot) would hand the same
  // unused nonces to every process started from it.
  fillRandom(out.subarray(0, NONCE_LENGTH), 'a nonce');
  return out;
}

/**
 * Fills bytes from the runtime's random source, for a nonce or a key.
 *
 * @param bytes - the bytes to fill
 * @param what - what they are for, for the error: `a nonce`, `a key`
 * @throws {@link CipherError} when the runtime has no `crypto.getRandomValues`
 */
export function fillRandom(bytes: Uint8Array<ArrayBuffer>, what: string): void {
  try {
    crypto.getRandomValues(bytes);
  } catch (error) {
    throw new CipherError(`cipher: this runtime has no crypto.getRandomValues to make ${what}`, {
      cause: error,
    });
  }
}

/**
 * Moves an engine's output (ciphertext then tag) behind the nonce, tag first.
 *
 * @param out - the buffer from {@link startOutput}
 * @param sealed - the engine's output: ciphertext then tag
 * @returns `out`, now nonce, tag, ciphertext
 */
export function toOriginalLayout(out: Uint8Array<ArrayBuffer>, sealed: Uint8Array): Uint8Array<ArrayBuffer> {
  const textLength = sealed.length - TAG_LENGTH;
  out.set(sealed.subarray(textLength), NONCE_LENGTH);
  out.set(sealed.subarray(0, textLength), MIN_LENGTH);
  return out;
}

/**
 * Checks that data is long enough to be AES-GCM output in the original layout, before any
 * engine is called.
 *
 * @param data - the data to decrypt
 * @throws {@link CipherError} when it is shorter than a nonce and a tag
 */
export function checkLength(data: Uint8Array): void {
  if (data.length < MIN_LENGTH) {
    throw new CipherError(
      `cipher: cannot decrypt ${String(data.length)} bytes: AES-GCM data has at least ${String(MIN_LENGTH)} (nonce and tag); it is truncated or not encrypted`,
    );
  }
}

/** The parts of the original layout, as the engines want them. */
export interface EngineInput {
  /** The nonce: a view of the input's first 12 bytes. */
  readonly nonce: Uint8Array<ArrayBuffer>;
  /** A new buffer: ciphertext, then tag. */
  readonly sealed: Uint8Array<ArrayBuffer>;
}

/**
 * Splits the original layout into the engines' order.
 *
 * @param data - nonce, tag, ciphertext
 * @returns the nonce, and ciphertext then tag in a new buffer
 * @throws {@link CipherError} when the data is shorter than a nonce and a tag
 */
export function fromOriginalLayout(data: Uint8Array): EngineInput {
  checkLength(data);
  const bytes = data as Uint8Array<ArrayBuffer>;
  const sealed = new Uint8Array(data.length - NONCE_LENGTH);
  sealed.set(bytes.subarray(MIN_LENGTH));
  sealed.set(bytes.subarray(NONCE_LENGTH, MIN_LENGTH), data.length - MIN_LENGTH);
  return { nonce: bytes.subarray(0, NONCE_LENGTH), sealed };
}
