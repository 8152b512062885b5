/**
 * The IndexedDB tests in real Chromium: the same cases as in Node, on the browser's own
 * IndexedDB, BroadcastChannel and WebCrypto.
 */
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { describeIndexedDbExamples } from './examples.cases.js';
import { describeIndexedDbCases } from './recorder.cases.js';

describe('the environment', () => {
  it('is a real Chromium with a native IndexedDB', () => {
    expect(navigator.userAgent).toMatch(/Chrome/);
    expect(Object.prototype.toString.call(indexedDB)).toBe('[object IDBFactory]');
  });
});

describeIndexedDbCases();
describeIndexedDbExamples('plain');
describeIndexedDbExamples('encrypted and compressed', () => ({
  cipher: new AesGcmCipher(AesGcmCipher.createKey(32)),
  compressor: new ZlibCompressor(),
}));
