import { memory } from '../../src/index.js';
import { describeRecorder } from './recorder.suite.js';

describeRecorder('memory', { persistence: () => memory() });
