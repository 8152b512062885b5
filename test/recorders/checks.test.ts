/**
 * The argument checks shared by every recorder, where the runtime lacks a method they use.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataError, checkStoredEvents, toBytes } from '../../src/index.js';
import { stored } from './recorder.suite.js';

describe('checkStoredEvents', () => {
  const native = Object.getOwnPropertyDescriptor(String.prototype, 'isWellFormed');
  afterEach(() => {
    if (native !== undefined) Object.defineProperty(String.prototype, 'isWellFormed', native);
  });

  it('finds lone surrogates without String.prototype.isWellFormed (runtimes before ES2024)', () => {
    expect(native).toBeDefined(); // Node 20 has it: the test removes it to reach the fallback
    Reflect.deleteProperty(String.prototype, 'isWellFormed');
    expect(('x' as { isWellFormed?: unknown }).isWellFormed).toBeUndefined();
    for (const bad of ['a\ud800', '\udfffa', 'a\udc00\ud800b']) {
      expect(() => {
        checkStoredEvents([stored(bad, 1)]);
      }, JSON.stringify(bad)).toThrow(DataError);
      expect(() => {
        checkStoredEvents([{ ...stored('a', 1), topic: bad }]);
      }).toThrow(/lone UTF-16 surrogate/);
    }
    // Pairs in either place, and text around them, are well-formed.
    expect(() => {
      checkStoredEvents([{ ...stored('a\u{1F995}b', 1), topic: '\ud83e\udd95' }]);
    }).not.toThrow();
  });
});

describe('toBytes', () => {
  it("gives a database's BLOB as a Uint8Array over the same bytes, and refuses what is not bytes", () => {
    const bytes = new Uint8Array([0, 1, 255]);
    expect(toBytes(bytes)).toBe(bytes);
    expect([...toBytes(bytes.buffer)]).toEqual([0, 1, 255]);
    // A view of part of a buffer stays that part.
    const view = new DataView(new Uint8Array([9, 0, 1, 255, 9]).buffer, 1, 3);
    expect([...toBytes(view)]).toEqual([0, 1, 255]);
    // D1 gives a BLOB as an array of numbers.
    expect([...toBytes([0, 1, 255])]).toEqual([0, 1, 255]);
    // Uint8Array.from alone would wrap or zero these.
    for (const bad of [[300], [-1], [1.5], ['a'], [null]]) {
      expect(() => toBytes(bad), JSON.stringify(bad)).toThrow(
        /expected integers from 0 to 255, got .* at index 0/,
      );
    }
    for (const bad of ['text', 7, null, { length: 1 }]) {
      expect(() => toBytes(bad), JSON.stringify(bad)).toThrow(TypeError);
    }
  });
});
