/**
 * Inflating a zlib stream with a bound on its output, for `ZlibCompressor`'s `maxOutputLength`.
 *
 * @module
 */
import { Unzlib } from 'fflate';
import { CompressorError } from '../errors.js';

/**
 * The most bytes deflate gives for a byte of its stream: a match of 258 bytes in two bits (a
 * one-bit length code and a one-bit distance code).
 */
export const MAX_INFLATE_RATIO = 1032;

// Feeding the inflater this much input at a time lets the output pass the limit by about 4 MB
// at most (MAX_INFLATE_RATIO times as much) before the stream is refused.
const CHUNK = 4096;

/**
 * The error for a stream whose output passes the limit.
 *
 * @param maxOutputLength - the limit, in bytes
 * @returns the error
 */
export function tooLargeError(maxOutputLength: number): CompressorError {
  return new CompressorError(
    `compressor: the zlib stream inflates to more than maxOutputLength (${String(maxOutputLength)} bytes); it is refused unread`,
  );
}

/**
 * Inflates a zlib stream piece by piece, and stops as soon as its output passes a limit: a
 * small stream that inflates to gigabytes is refused without holding them.
 *
 * @param data - a zlib stream
 * @param maxOutputLength - the most bytes of output
 * @returns the inflated bytes (the checksum is left to the caller, as fflate does not check it)
 * @throws {@link CompressorError} when the output passes the limit
 * @throws Error (fflate's) when the stream is corrupt or truncated
 */
export function inflateAtMost(data: Uint8Array, maxOutputLength: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let length = 0;
  const inflater = new Unzlib((part) => {
    length += part.length;
    if (length > maxOutputLength) throw tooLargeError(maxOutputLength);
    parts.push(part);
  });
  for (let at = 0; at < data.length; at += CHUNK) {
    const end = Math.min(at + CHUNK, data.length);
    inflater.push(data.subarray(at, end), end === data.length);
  }
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
