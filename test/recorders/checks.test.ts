/**
 * The argument checks shared by every recorder, where the runtime lacks a method they use.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DataError, checkStoredEvents } from '../../src/index.js';
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
