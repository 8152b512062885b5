/**
 * The vectors made by the original's code (test/vectors/make_vectors.py), decoded to bytes.
 */
import { fromBase64 } from '../../src/index.js';
import vectors from '../vectors/vectors.json' with { type: 'json' };

/** A plaintext as the vectors file gives it: base64 bytes, repeated. */
interface Plain {
  readonly name: string;
  readonly plaintext: string;
  readonly repeat: number;
}

/** An AES-GCM vector: the original's encryption of a plaintext with a fixed key and nonce. */
export interface AesVector {
  readonly name: string;
  readonly key: string;
  readonly keyLength: number;
  readonly nonce: Uint8Array;
  readonly plaintext: Uint8Array;
  readonly ciphertext: Uint8Array;
}

/** A zlib vector: Python's `zlib.compress` of a plaintext. */
export interface ZlibVector {
  readonly name: string;
  readonly plaintext: Uint8Array;
  readonly compressed: Uint8Array;
}

/** A mapped vector: what the original's mapper stores, encrypt(compress(json)). */
export interface MappedVector {
  readonly name: string;
  readonly key: string;
  readonly plaintext: Uint8Array;
  readonly state: Uint8Array;
}

function plaintextOf(vector: Plain): Uint8Array {
  const unit = fromBase64(vector.plaintext);
  const bytes = new Uint8Array(unit.length * vector.repeat);
  for (let i = 0; i < vector.repeat; i++) bytes.set(unit, i * unit.length);
  return bytes;
}

/** The AES-GCM vectors, for 16, 24 and 32 byte keys. */
export const aesVectors: readonly AesVector[] = vectors.aes.map((v) => ({
  name: v.name,
  key: v.key,
  keyLength: fromBase64(v.key).length,
  nonce: fromBase64(v.nonce),
  plaintext: plaintextOf(v),
  ciphertext: fromBase64(v.ciphertext),
}));

/** The zlib vectors, at Python's default level and at levels 0, 1 and 9. */
export const zlibVectors: readonly ZlibVector[] = vectors.zlib.map((v) => ({
  name: v.name,
  plaintext: plaintextOf(v),
  compressed: fromBase64(v.compressed),
}));

/** The mapped vectors: JSON event states compressed, then encrypted with a 32-byte key. */
export const mappedVectors: readonly MappedVector[] = vectors.mapped.map((v) => ({
  name: v.name,
  key: v.key,
  plaintext: plaintextOf(v),
  state: fromBase64(v.state),
}));
