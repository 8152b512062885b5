/**
 * The per-call cost of the codecs, for a small event's state: what the README's cost table
 * shows, measured the same way in Node and in Chromium.
 *
 * @module
 */
import { AesGcmCipher } from '../../src/cipher/index.js';
import { NobleAesGcmCipher } from '../../src/cipher/noble.js';
import { ZlibCompressor } from '../../src/compressor/index.js';

/** The stored state of a `SomethingHappened` event: 99 bytes of JSON. */
const STATE =
  '{"timestamp":{"_type_":"datetime_iso","_data_":"2026-11-27T13:14:01.123+00:00"},"what":"dinosaurs"}';

/** Rounds per call, and awaited calls per round. */
const ROUNDS = 15;
const CALLS = 2_000;

/**
 * Times each codec call: the median over {@link ROUNDS} rounds of {@link CALLS} awaited calls.
 *
 * @returns microseconds per call, by call
 */
export async function measureCalls(): Promise<Record<string, number>> {
  const state = new TextEncoder().encode(STATE);
  const key = AesGcmCipher.createKey(32);
  const aes = new AesGcmCipher(key);
  const noble = new NobleAesGcmCipher(key);
  const storing = new ZlibCompressor();
  const deflating = new ZlibCompressor({ storeBelow: 0 });
  const stored = storing.compress(state);
  const deflated = deflating.compress(state);
  const sealedByAes = await aes.encrypt(state);
  const sealedByNoble = await noble.encrypt(state);
  const calls: [string, () => unknown][] = [
    ['compress, stored', () => storing.compress(state)],
    ['compress, deflated', () => deflating.compress(state)],
    ['decompress, stored', () => storing.decompress(stored)],
    ['decompress, deflated', () => storing.decompress(deflated)],
    ['AesGcmCipher encrypt', () => aes.encrypt(state)],
    ['AesGcmCipher decrypt', () => aes.decrypt(sealedByAes)],
    ['NobleAesGcmCipher encrypt', () => noble.encrypt(state)],
    ['NobleAesGcmCipher decrypt', () => noble.decrypt(sealedByNoble)],
    ['new NobleAesGcmCipher', () => new NobleAesGcmCipher(key)],
  ];
  const result: Record<string, number> = {};
  for (const [name, call] of calls) {
    const rounds: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = performance.now();
      for (let i = 0; i < CALLS; i++) await call();
      rounds.push(((performance.now() - started) * 1000) / CALLS);
    }
    rounds.sort((a, b) => a - b);
    result[name] = rounds[ROUNDS >> 1] ?? Number.NaN;
  }
  return result;
}
