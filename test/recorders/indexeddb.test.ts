import 'fake-indexeddb/auto';
import { indexedDb } from '../../src/indexeddb/index.js';
import { describeRecorder } from './recorder.suite.js';

// A new database for each recorder the suite takes; the test of two application names takes
// both from one persistence, so it runs over one database's shared stores.
describeRecorder('indexeddb (fake-indexeddb)', {
  persistence: () => indexedDb({ dbName: `conformance-${crypto.randomUUID()}` }),
});
