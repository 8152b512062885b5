/**
 * The IndexedDB tests in Node, over fake-indexeddb, plus what only fake-indexeddb can do:
 * close a connection the way a browser does when storage is cleared.
 */
import 'fake-indexeddb/auto';
import { forceCloseDatabase } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { AesGcmCipher } from '../../src/cipher/index.js';
import { ZlibCompressor } from '../../src/compressor/index.js';
import { newId, stored } from '../recorders/recorder.suite.js';
import { describeIndexedDbExamples, freshDbName } from './examples.cases.js';
import { describeIndexedDbCases, ExposedRecorder } from './recorder.cases.js';

describeIndexedDbCases();
describeIndexedDbExamples('plain');
describeIndexedDbExamples('encrypted and compressed', () => ({
  cipher: new AesGcmCipher(AesGcmCipher.createKey(32)),
  compressor: new ZlibCompressor(),
}));

describe('IndexedDB recorder when the browser closes the connection', () => {
  it('reopens after an abnormal close', async () => {
    const r = new ExposedRecorder('App', { dbName: freshDbName() });
    const id = newId();
    await r.insertEvents([stored(id, 1)]);
    // The browser closes the connection (storage cleared, disk error): the next use reopens.
    // (Its declared parameter type is wrong: it takes a connection, not the class.)
    forceCloseDatabase((await r.rawDatabase()) as unknown as typeof IDBDatabase);
    expect(await r.insertEvents([stored(id, 2)])).toEqual([2]);
    expect((await r.selectEvents(id)).length).toBe(2);
    await r.close();
  });
});

describe('IndexedDB recorder with Node Buffer states', () => {
  it('stores only the bytes a Buffer views, not the buffer it is part of', async () => {
    const r = new ExposedRecorder('App', { dbName: freshDbName() });
    const id = newId();
    // As a pooled Buffer is: a view into a larger buffer, whose own slice() shares it.
    const pool = new ArrayBuffer(64);
    const state = Buffer.from(pool, 10, 4).fill(7);
    await r.insertEvents([{ ...stored(id, 1), state }]);
    const [event] = await r.selectEvents(id);
    expect(Array.from(event?.state ?? [])).toEqual([7, 7, 7, 7]);
    expect(event?.state.buffer.byteLength).toBe(4);
    await r.close();
  });
});
