/**
 * Small helpers of the codec suite.
 */
import { expect } from 'vitest';

/**
 * Returns what a call throws or a promise rejects with, failing the test when nothing is thrown.
 */
export async function failureOf(run: () => unknown): Promise<Error> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return error as Error;
  }
  throw new Error('expected a failure, but the call succeeded');
}

/** A copy of bytes with one bit flipped at an index. */
export function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  if (index < 0 || index >= bytes.length) throw new RangeError(`no byte ${String(index)} to flip`);
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

/** Bytes as lower-case hex. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Every message and stack text in an error's cause chain. */
export function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    texts.push(e.message, String(e), e.stack ?? '');
  }
  return texts;
}

/** UTF-8 bytes of text. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Deterministic pseudo-random bytes (incompressible, unlike repeated text). */
export function noise(length: number, seed = 1): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    // xorshift32
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/**
 * The first index at which two byte arrays differ, or -1 when they are equal; quicker than a
 * deep equality on large arrays.
 */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) if (actual[i] !== expected[i]) return i;
  return actual.length === expected.length ? -1 : length;
}
