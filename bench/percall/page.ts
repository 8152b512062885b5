/**
 * The Chromium page of `npm run bench:calls`: measures, then leaves the result on `window`.
 *
 * @module
 */
import { measureCalls } from './calls.js';

(window as unknown as { calls: Promise<Record<string, number>> }).calls = measureCalls();
