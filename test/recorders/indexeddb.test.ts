import 'fake-indexeddb/auto';
import { indexedDb } from '../../src/indexeddb/index.js';
import { describeRecorder } from './recorder.suite.js';

// One database for the whole suite: each test takes a new application name, so the shared
// stores also prove that applications stay apart.
describeRecorder('indexeddb (fake-indexeddb)', {
  persistence: () => indexedDb({ dbName: `conformance-${crypto.randomUUID()}` }),
});
