/**
 * The compressor's part of the codec suite.
 */
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { CompressorError, EventSourcingError } from '../../src/index.js';
import { failureOf, firstDifference, flipBit, noise, utf8 } from './support.js';
import { zlibVectors } from './vectors.js';

const EVENT = utf8(
  '{"timestamp":{"_type_":"datetime_iso","_data_":"2024-05-01T12:34:56.789+00:00"},"what":"dinosaurs"}',
);
const HISTORY = utf8(JSON.stringify(Array.from({ length: 2000 }, (_, i) => `thing ${String(i)}`)));

/** A zlib header: deflate with a 32 KB window, and a check value that divides by 31. */
function expectZlibHeader(bytes: Uint8Array): void {
  const [cmf = 0, flg = 0] = bytes;
  expect(cmf).toBe(0x78);
  expect((cmf * 256 + flg) % 31).toBe(0);
  expect(flg & 0x20).toBe(0);
}

/** Defines the compressor's tests. */
export function describeCompressor(): void {
  describe('ZlibCompressor', () => {
    it('round-trips bytes of many lengths and kinds', () => {
      const compressor = new ZlibCompressor();
      const inputs = [
        new Uint8Array(0),
        utf8('x'),
        EVENT,
        HISTORY,
        noise(10_000),
        // 300 KB of repeats: the output is far larger than the decompressor's own buffer.
        utf8('dinosaurs, trucks, internet. '.repeat(10_000)),
      ];
      for (const input of inputs) {
        const compressed = compressor.compress(input);
        expectZlibHeader(compressed);
        expect(firstDifference(compressor.decompress(compressed), input)).toBe(-1);
      }
      // Compressible input shrinks.
      expect(compressor.compress(HISTORY).length).toBeLessThan(HISTORY.length / 3);
    });

    it('deflates at the level asked, as Python does by default (header 78 9c)', () => {
      // Level 6 writes Python's default header; levels 1 and 9 write theirs (78 5e, 78 da).
      for (const [level, flags] of [
        [6, 0x9c],
        [1, 0x5e],
        [9, 0xda],
      ] as const) {
        const compressed = new ZlibCompressor({ level }).compress(HISTORY);
        expect(compressed[1]).toBe(flags);
        expect(firstDifference(new ZlibCompressor().decompress(compressed), HISTORY)).toBe(-1);
      }
    });

    it('stores inputs below storeBelow bytes, still as a valid zlib stream', () => {
      const short = utf8('{"what":"dinosaurs"}');
      // Below the default of 128 bytes: one stored block, 11 bytes of framing, header 78 01.
      const stored = new ZlibCompressor().compress(short);
      expect(stored.length).toBe(short.length + 11);
      expect(stored[1]).toBe(0x01);
      // With storeBelow 0, the same input is deflated.
      const deflated = new ZlibCompressor({ storeBelow: 0 }).compress(short);
      expect(deflated[1]).toBe(0x9c);
      for (const bytes of [stored, deflated]) expect(new ZlibCompressor().decompress(bytes)).toEqual(short);
    });

    it('stores inputs as fflate does at level 0, byte for byte, except where fflate is wrong', () => {
      const compressor = new ZlibCompressor({ level: 0 });
      for (const length of [0, 1, 2, 100, 127, 128, 1000, 65_534, 65_536, 131_071]) {
        const input = noise(length);
        const compressed = compressor.compress(input);
        expect(firstDifference(compressed, zlibSync(input, { level: 0 }))).toBe(-1);
        expect(firstDifference(compressor.decompress(compressed), input)).toBe(-1);
      }
      // For multiples of 65,535 bytes fflate writes an empty block after the final one (Python
      // rejects it); here the blocks end with the data: 2 + 5 per block + 4 bytes of framing.
      for (const [length, blocks] of [
        [65_535, 1],
        [131_070, 2],
      ] as const) {
        const input = noise(length);
        const compressed = compressor.compress(input);
        expect(compressed.length).toBe(length + 6 + 5 * blocks);
        expect(firstDifference(compressor.decompress(compressed), input)).toBe(-1);
      }
      // A changed bit in the framing, the data or the checksum of a stored stream is an error.
      const compressed = compressor.compress(EVENT);
      const end = compressed.length;
      for (const index of [0, 1, 2, 3, 4, 5, 6, 7, end - 5, end - 4, end - 1]) {
        expect(() => compressor.decompress(flipBit(compressed, index))).toThrow(CompressorError);
      }
    });

    it('decompresses what Python’s zlib.compress wrote, at every level', () => {
      const compressor = new ZlibCompressor();
      for (const vector of zlibVectors) {
        expect(firstDifference(compressor.decompress(vector.compressed), vector.plaintext), vector.name).toBe(
          -1,
        );
      }
    });

    it('returns output that a later call does not overwrite', () => {
      const compressor = new ZlibCompressor();
      // Decompress two different inputs; the first result must be unchanged by the second.
      const first = compressor.decompress(compressor.compress(EVENT));
      const second = compressor.decompress(compressor.compress(utf8('something else entirely')));
      expect(first).toEqual(EVENT);
      expect(second).toEqual(utf8('something else entirely'));
    });

    it('fails with CompressorError, with the engine error as cause, on data that is not zlib', async () => {
      const compressor = new ZlibCompressor();
      for (const data of [utf8('{"what":"dinosaurs"} is plain JSON'), noise(64), noise(5000, 7)]) {
        const error = await failureOf(() => compressor.decompress(data));
        expect(error).toBeInstanceOf(CompressorError);
        expect(error).toBeInstanceOf(EventSourcingError);
        expect(error.name).toBe('CompressorError');
        expect(error.message).toMatch(/^compressor: /);
        expect(error.cause).toBeInstanceOf(Error);
      }
    });

    it('fails with CompressorError on truncated or corrupt zlib data', async () => {
      const compressor = new ZlibCompressor();
      const compressed = compressor.compress(HISTORY);
      // Truncated: the deflate stream ends early, or too little is left to be zlib at all.
      for (const length of [compressed.length - 5, compressed.length >> 1, 10, 7, 2, 0]) {
        const error = await failureOf(() => compressor.decompress(compressed.subarray(0, length)));
        expect(error, `truncated to ${String(length)}`).toBeInstanceOf(CompressorError);
      }
      // A flipped bit in the header, the deflate data or the checksum.
      for (const index of [0, 1, 40, compressed.length >> 1, compressed.length - 1]) {
        const error = await failureOf(() => compressor.decompress(flipBit(compressed, index)));
        expect(error, `bit flipped at ${String(index)}`).toBeInstanceOf(CompressorError);
      }
      // A stored block's length complement (bytes 5 and 6 of a first block), checked as zlib
      // checks it: in a one-block stream, in deflate's own stored block for data it cannot
      // shrink (header 78 9c), and in the first and second blocks of a long stored stream.
      const cannotShrink = zlibSync(noise(300), { level: 6 });
      expect(cannotShrink[2]).toBe(0x01);
      const long = new ZlibCompressor({ level: 0 }).compress(noise(70_000));
      for (const [name, data, index] of [
        ['one block', compressor.compress(utf8('dinosaurs')), 5],
        ['deflate, stored', cannotShrink, 5],
        ['first of two', long, 6],
        ['second of two', long, 2 + 5 + 65_535 + 3],
      ] as const) {
        const error = await failureOf(() => compressor.decompress(flipBit(data, index)));
        expect(error, name).toBeInstanceOf(CompressorError);
        expect(error.cause, name).toBeInstanceOf(Error);
        expect((error.cause as Error).message, name).toMatch(/invalid stored block lengths/);
      }
      // A stored block whose content changed: only the checksum can tell.
      const stored = compressor.compress(utf8('dinosaurs'));
      const error = await failureOf(() => compressor.decompress(flipBit(stored, 8)));
      expect(error).toBeInstanceOf(CompressorError);
      expect(error.message).toMatch(/checksum/);
    });

    it('refuses bytes after the end of the zlib stream, and says they may be why', async () => {
      const compressor = new ZlibCompressor();
      // Python's zlib.decompress ignores such bytes; Python never writes them: here they are
      // corruption, so the data is refused.
      for (const compressed of [compressor.compress(HISTORY), compressor.compress(utf8('dinosaurs'))]) {
        const extended = new Uint8Array(compressed.length + 2);
        extended.set(compressed);
        extended.set(utf8('xx'), compressed.length);
        const error = await failureOf(() => compressor.decompress(extended));
        expect(error).toBeInstanceOf(CompressorError);
        expect(error.message).toMatch(/bytes after the end of its zlib stream/);
      }
      const deflated = compressor.compress(HISTORY);
      const error = await failureOf(() => compressor.decompress(new Uint8Array([...deflated, 0x78, 0x78])));
      expect(error.message).toMatch(/bytes after the end of its zlib stream/);
    });

    it('reads a deflated stream written twice as the stream, as Python does: its end is not known', () => {
      const compressor = new ZlibCompressor();
      const deflated = compressor.compress(HISTORY);
      expect(deflated[1]).toBe(0x9c); // compressed (78 9c), not one stored block (78 01)
      // The bytes after the stream end in its checksum, so the check cannot see them.
      const twice = new Uint8Array([...deflated, ...deflated]);
      expect(compressor.decompress(twice)).toEqual(HISTORY);
      // After a single stored block the length is known: the same bytes are refused.
      const stored = compressor.compress(utf8('dinosaurs'));
      expect(stored[1]).toBe(0x01);
      expect(() => compressor.decompress(new Uint8Array([...stored, ...stored]))).toThrow(CompressorError);
    });

    it('refuses output beyond maxOutputLength, a small stream that inflates to a huge one too', async () => {
      // Each way the compressor reads a stream: one stored block, a small deflated stream, a
      // large one; each is read at its exact length and refused one byte below it.
      const large = utf8('dinosaurs, trucks, internet. '.repeat(10_000));
      for (const [name, input, options] of [
        ['stored', noise(1000), {}],
        ['small deflated', utf8('x'.repeat(10_000)), {}],
        ['large deflated', large, {}],
        ['small stream, large output', new Uint8Array(2 ** 20), {}],
        ['large stored', noise(70_000), { level: 0 }],
      ] as const) {
        const compressed = new ZlibCompressor(options).compress(input);
        const exact = new ZlibCompressor({ maxOutputLength: input.length });
        expect(firstDifference(exact.decompress(compressed), input), name).toBe(-1);
        const below = new ZlibCompressor({ maxOutputLength: input.length - 1 });
        const error = await failureOf(() => below.decompress(compressed));
        expect(error, name).toBeInstanceOf(CompressorError);
        expect(error.message, name).toMatch(/^compressor: .*more than maxOutputLength \(\d+ bytes\)/);
      }
      // 16 MB of zeros deflate to about 16 KB: refused long before the 16 MB are inflated.
      const bomb = new ZlibCompressor().compress(new Uint8Array(16 * 2 ** 20));
      expect(bomb.length).toBeLessThan(20_000);
      const limited = new ZlibCompressor({ maxOutputLength: 2 ** 20 });
      expect(() => limited.decompress(bomb)).toThrow(/more than maxOutputLength \(1048576 bytes\)/);
      // Within the limit, the original's streams and corrupt ones read as without it.
      const generous = new ZlibCompressor({ maxOutputLength: 10 * 2 ** 20 });
      for (const vector of zlibVectors) {
        expect(firstDifference(generous.decompress(vector.compressed), vector.plaintext), vector.name).toBe(
          -1,
        );
      }
      const compressed = generous.compress(large);
      for (const bad of [
        compressed.subarray(0, compressed.length - 5),
        compressed.subarray(0, compressed.length >> 1),
        flipBit(compressed, compressed.length >> 1),
        flipBit(compressed, compressed.length - 1),
        new Uint8Array([...compressed, 0x78]),
      ]) {
        expect(() => generous.decompress(bad)).toThrow(CompressorError);
      }
    });

    it('refuses bad options at construction', () => {
      for (const options of [{ level: 10 }, { level: -1 }, { level: 1.5 }]) {
        expect(() => new ZlibCompressor(options as never)).toThrow(RangeError);
        expect(() => new ZlibCompressor(options as never)).toThrow(/^compressor: level/);
      }
      for (const storeBelow of [-1, 0.5, Number.NaN]) {
        expect(() => new ZlibCompressor({ storeBelow })).toThrow(/^compressor: storeBelow/);
      }
      for (const maxOutputLength of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => new ZlibCompressor({ maxOutputLength })).toThrow(RangeError);
        expect(() => new ZlibCompressor({ maxOutputLength })).toThrow(/^compressor: maxOutputLength/);
      }
    });
  });
}
