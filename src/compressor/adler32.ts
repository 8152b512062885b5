/**
 * The Adler-32 checksum that ends every zlib stream (RFC 1950).
 *
 * @module
 */

const MOD = 65521;
// The most bytes that can be summed before a modulo while every sum stays below 2^32.
const RUN = 5552;

/**
 * Computes the Adler-32 checksum of bytes.
 *
 * @param data - the bytes
 * @returns the checksum, an unsigned 32-bit integer
 */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  const length = data.length;
  for (let start = 0; start < length; start += RUN) {
    const end = Math.min(start + RUN, length);
    for (let i = start; i < end; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return (b * 65536 + a) >>> 0;
}
