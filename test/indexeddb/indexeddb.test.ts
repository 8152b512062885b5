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
