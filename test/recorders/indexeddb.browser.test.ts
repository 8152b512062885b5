import { indexedDb } from '../../src/indexeddb/index.js';
import { describeRecorder } from './recorder.suite.js';

// The same conformance suite in real Chromium: a new database for each recorder the suite
// takes, except in the test of two application names, which shares one database's stores.
describeRecorder('indexeddb (Chromium)', {
  persistence: () => indexedDb({ dbName: `conformance-${crypto.randomUUID()}` }),
});
