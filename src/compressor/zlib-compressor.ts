/**
 * The zlib compressor over fflate.
 *
 * @module
 */
import { unzlibSync, zlibSync } from 'fflate';
import { CompressorError } from '../errors.js';
import type { Compressor } from '../persistence/codecs.js';
import { adler32 } from './adler32.js';
import { MAX_INFLATE_RATIO, inflateAtMost, tooLargeError } from './inflate-at-most.js';

/** A zlib compression level: 0 stores, 1 is fastest, 9 is smallest. */
export type ZlibLevel = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** The options of a {@link ZlibCompressor}. */
export interface ZlibCompressorOptions {
  /** The compression level; 6 by default, as Python's `zlib.compress`. */
  readonly level?: ZlibLevel | undefined;
  /**
   * Inputs shorter than this many bytes are stored (level 0) rather than deflated; 128 by
   * default, 0 to deflate everything. Below it deflate saves almost nothing, while fflate
   * allocates about 170 KB of tables for every call.
   */
  readonly storeBelow?: number | undefined;
  /**
   * The most bytes `decompress` gives; none by default, as in Python. Deflate shrinks repeated
   * bytes up to about 1,000 times, so a stream of 100 KB may inflate to 100 MB: set a limit where
   * states come from others and are not encrypted (a cipher's tag check comes first and refuses
   * states not written with the key), above the largest state the application writes.
   */
  readonly maxOutputLength?: number | undefined;
}

// The shortest zlib stream: a 2-byte header, an empty final block (2 bytes), the checksum (4).
const MIN_LENGTH = 8;
// Small inputs inflate into one buffer kept by the compressor, as fflate otherwise allocates
// at least 128 KB per call when it does not know the output size.
const SCRATCH_SIZE = 64 * 1024;
const SCRATCH_INPUT_LIMIT = SCRATCH_SIZE / 16;

/**
 * Compresses stored state in the zlib container (RFC 1950), as the original library's
 * `ZlibCompressor` does with Python's `zlib`: each reads what the other writes. The mapper
 * compresses before it encrypts, and decompresses after it decrypts.
 *
 * @example
 * ```ts
 * import { ZlibCompressor } from 'eventsourcing/compressor';
 *
 * const app = new Worlds({ compressor: new ZlibCompressor() });
 * ```
 */
export class ZlibCompressor implements Compressor {
  readonly #level: ZlibLevel;
  readonly #storeBelow: number;
  readonly #maxOutputLength: number | undefined;
  #scratch: Uint8Array | undefined;

  /**
   * Creates a compressor.
   *
   * @param options - the level, the size below which inputs are stored, the most bytes of output
   * @throws RangeError when the level is not an integer from 0 to 9, or `storeBelow` or
   *   `maxOutputLength` is not a non-negative integer
   */
  constructor(options: ZlibCompressorOptions = {}) {
    const level = options.level ?? 6;
    if (!Number.isInteger(level) || level < 0 || level > 9) {
      throw new RangeError(`compressor: level must be an integer from 0 to 9, got ${String(level)}`);
    }
    const storeBelow = options.storeBelow ?? 128;
    if (!Number.isInteger(storeBelow) || storeBelow < 0) {
      throw new RangeError(
        `compressor: storeBelow must be a non-negative integer, got ${String(storeBelow)}`,
      );
    }
    const maxOutputLength = options.maxOutputLength;
    if (maxOutputLength !== undefined && (!Number.isSafeInteger(maxOutputLength) || maxOutputLength < 0)) {
      throw new RangeError(
        `compressor: maxOutputLength must be a non-negative integer, got ${String(maxOutputLength)}`,
      );
    }
    this.#level = level;
    this.#storeBelow = storeBelow;
    this.#maxOutputLength = maxOutputLength;
  }

  /**
   * Compresses bytes into a zlib stream.
   *
   * @param data - the bytes
   * @returns the zlib stream: header, deflate data, Adler-32 checksum
   */
  compress(data: Uint8Array): Uint8Array {
    if (data.length < this.#storeBelow || this.#level === 0) return stored(data);
    return zlibSync(data, { level: this.#level });
  }

  /**
   * Decompresses a zlib stream, checking its Adler-32 checksum. The stream must end where the
   * data ends: bytes after it (which Python's `zlib.decompress` ignores) are an error whenever
   * they change the data's last four bytes (read as the checksum) or follow a single stored
   * block. fflate does not say where a deflated stream ends, so bytes that themselves end in
   * the stream's checksum (the stream written twice) go unnoticed, as Python ignores them.
   *
   * @param data - a zlib stream, from this compressor or from Python's `zlib.compress`
   * @returns the original bytes
   * @throws {@link CompressorError} when the data is not a zlib stream, or is truncated or corrupt,
   *   or inflates to more than `maxOutputLength` bytes (refused as soon as its output passes it)
   */
  decompress(data: Uint8Array): Uint8Array {
    if (data.length < MIN_LENGTH) {
      throw new CompressorError(
        `compressor: cannot decompress ${String(data.length)} bytes: a zlib stream has at least ${String(MIN_LENGTH)}`,
      );
    }
    let out: Uint8Array;
    try {
      out = this.#inflate(data);
    } catch (error) {
      if (error instanceof CompressorError) throw error;
      throw new CompressorError(
        'compressor: zlib decompression failed: the data is corrupt, truncated or not zlib',
        { cause: error },
      );
    }
    const end = data.length;
    const expected =
      (((data[end - 4] ?? 0) << 24) |
        ((data[end - 3] ?? 0) << 16) |
        ((data[end - 2] ?? 0) << 8) |
        (data[end - 1] ?? 0)) >>>
      0;
    if (adler32(out) !== expected) {
      throw new CompressorError(
        'compressor: the zlib checksum does not match the decompressed bytes: the data is corrupt, or has bytes after the end of its zlib stream',
      );
    }
    return out;
  }

  #inflate(data: Uint8Array): Uint8Array {
    const max = this.#maxOutputLength;
    checkLeadingStoredBlocks(data);
    const storedLength = storedBlockLength(data);
    if (storedLength !== undefined) {
      if (max !== undefined && storedLength > max) throw tooLargeError(max);
      // Uint8Array's own slice: a Node Buffer's slice would share the input's memory.
      return Uint8Array.prototype.slice.call(data, 7, 7 + storedLength);
    }
    // The scratch buffer bounds both the output and, with the input's size, the work.
    if (data.length <= SCRATCH_INPUT_LIMIT) {
      const scratch = (this.#scratch ??= new Uint8Array(SCRATCH_SIZE));
      let inflated: Uint8Array | undefined;
      try {
        inflated = unzlibSync(data, { out: scratch });
      } catch {
        // Output past the scratch buffer can make fflate throw (a stored block past its end),
        // as corrupt data does: the full path below decides which it was.
        inflated = undefined;
      }
      // A full scratch buffer may mean the output did not fit: fflate drops what overflows.
      if (inflated !== undefined && inflated.length < SCRATCH_SIZE) {
        if (max !== undefined && inflated.length > max) throw tooLargeError(max);
        return inflated.slice();
      }
    }
    // A stream too short to inflate past the limit is inflated in one pass, as without one:
    // piece by piece costs more (about 1.4 times as long for 9 KB of deflated JSON).
    if (max === undefined || data.length * MAX_INFLATE_RATIO <= max) return unzlibSync(data);
    return inflateAtMost(data, max);
  }
}

/** The most bytes a stored deflate block holds. */
const MAX_STORED_BLOCK = 0xffff;

/**
 * Writes data as a zlib stream of stored (not deflated) blocks: header `78 01`, blocks of up to
 * 65,535 bytes, the Adler-32 checksum. It is what fflate writes at level 0, in one allocation
 * instead of several, except where fflate is wrong: for a multiple of 65,535 bytes fflate adds
 * an empty block after the final one, which Python's zlib rejects.
 *
 * @param data - the bytes
 * @returns the zlib stream
 */
function stored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED_BLOCK));
  const out = new Uint8Array(data.length + 2 + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let block = 0; block < blocks; block++) {
    const start = block * MAX_STORED_BLOCK;
    const length = Math.min(MAX_STORED_BLOCK, data.length - start);
    // The final-block bit, the stored type (zero bits), then the length and its complement.
    out[at] = block === blocks - 1 ? 0x01 : 0x00;
    out[at + 1] = length & 0xff;
    out[at + 2] = length >>> 8;
    out[at + 3] = ~length & 0xff;
    out[at + 4] = (~length >>> 8) & 0xff;
    out.set(data.subarray(start, start + length), at + 5);
    at += 5 + length;
  }
  const checksum = adler32(data);
  out[at] = checksum >>> 24;
  out[at + 1] = (checksum >>> 16) & 0xff;
  out[at + 2] = (checksum >>> 8) & 0xff;
  out[at + 3] = checksum & 0xff;
  return out;
}

/**
 * Checks the stored blocks a zlib stream starts with, each one's length against its complement,
 * as zlib does and fflate does not: the stored streams this compressor writes, and what deflate
 * writes for data it cannot shrink. A stored block after a deflated one does not start on a
 * byte and is left to fflate, which does not check it.
 *
 * @param data - a zlib stream
 * @throws Error when a length and its complement disagree
 */
function checkLeadingStoredBlocks(data: Uint8Array): void {
  // A preset dictionary (which fflate refuses) would put four bytes before the first block.
  if (((data[1] ?? 0) & 0x20) !== 0) return;
  for (let at = 2; at + 5 <= data.length;) {
    const header = data[at] as number;
    // Bits 1-2 of a block's first byte are its type: 0 for stored.
    if ((header & 0x06) !== 0) return;
    const length = (data[at + 1] as number) | ((data[at + 2] as number) << 8);
    const complement = (data[at + 3] as number) | ((data[at + 4] as number) << 8);
    if (complement !== (~length & 0xffff)) throw new Error('invalid stored block lengths');
    // Bit 0 marks the final block.
    if ((header & 0x01) !== 0) return;
    at += 5 + length;
  }
}

/**
 * Reads the framing of a zlib stream of one stored block, as {@link stored} writes data of up
 * to 65,535 bytes (its lengths checked by {@link checkLeadingStoredBlocks} first).
 *
 * @param data - a zlib stream
 * @returns the length of the stored data, or undefined when the stream is anything else
 * @throws Error when the stream is shorter than the block
 * @throws {@link CompressorError} when bytes follow the end of the stream
 */
function storedBlockLength(data: Uint8Array): number | undefined {
  if (data[0] !== 0x78 || data[1] !== 0x01 || data[2] !== 0x01) return undefined;
  const length = (data[3] ?? 0) | ((data[4] ?? 0) << 8);
  if (data.length < length + 11) throw new Error('invalid stored block lengths');
  if (data.length > length + 11) throw trailingBytesError();
  return length;
}

/** The error for a one-block stored stream followed by more bytes. */
function trailingBytesError(): CompressorError {
  return new CompressorError(
    'compressor: the data has bytes after the end of its zlib stream (a stored block): the data is corrupt',
  );
}
