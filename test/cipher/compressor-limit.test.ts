/**
 * How `ZlibCompressor` inflates under `maxOutputLength`: piece by piece only when the stream
 * could pass the limit (the piecewise inflater costs more per byte than fflate's one pass).
 */
import * as fflate from 'fflate';
import { describe, expect, it, vi } from 'vitest';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { firstDifference, utf8 } from './support.js';

// The streaming inflater, counted: the bounded path makes one per stream.
const made = vi.hoisted(() => ({ count: 0 }));
vi.mock('fflate', async (importOriginal) => {
  const original = await importOriginal<typeof fflate>();
  class CountedUnzlib extends original.Unzlib {
    constructor(...args: ConstructorParameters<typeof original.Unzlib>) {
      super(...args);
      made.count++;
    }
  }
  return { ...original, Unzlib: CountedUnzlib };
});

describe('ZlibCompressor with maxOutputLength', () => {
  it('inflates a stream too short to pass the limit in one pass, and a longer one piece by piece', () => {
    // 800 records of varied text: about 27 KB, deflated to about 9 KB (past the scratch buffer's
    // inputs), which cannot inflate to more than 1,032 times that.
    const input = utf8(
      JSON.stringify(Array.from({ length: 800 }, (_, i) => ({ what: `thing ${String(i * 7919)}`, i }))),
    );
    const compressed = new ZlibCompressor().compress(input);
    expect(compressed.length).toBeGreaterThan(4096);
    const roomy = new ZlibCompressor({ maxOutputLength: compressed.length * 1032 });
    made.count = 0;
    expect(firstDifference(roomy.decompress(compressed), input)).toBe(-1);
    expect(made.count).toBe(0);
    // A limit the stream could pass: inflated piece by piece, and still read in full.
    const tight = new ZlibCompressor({ maxOutputLength: input.length });
    expect(firstDifference(tight.decompress(compressed), input)).toBe(-1);
    expect(made.count).toBe(1);
    expect(() => new ZlibCompressor({ maxOutputLength: input.length - 1 }).decompress(compressed)).toThrow(
      /more than maxOutputLength/,
    );
  });
});
