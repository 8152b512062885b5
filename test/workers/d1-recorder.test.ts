import { env } from 'cloudflare:workers';
import { d1 } from '../../src/d1/index.js';
import { describeRecorder } from '../recorders/recorder.suite.js';

describeRecorder('d1', { persistence: () => d1({ database: env.DB }) });
