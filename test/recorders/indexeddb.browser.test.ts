import { indexedDb } from '../../src/indexeddb/index.js';
import { describeRecorder } from './recorder.suite.js';

// The same conformance suite in real Chromium, over one database of shared stores.
describeRecorder('indexeddb (Chromium)', {
  persistence: () => indexedDb({ dbName: `conformance-${crypto.randomUUID()}` }),
});
