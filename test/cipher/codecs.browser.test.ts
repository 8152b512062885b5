import { expect, it } from 'vitest';
import { describeCodecs } from './cipher.suite.js';

it('runs in a real Chromium', () => {
  expect(navigator.userAgent).toMatch(/Chrome/);
  expect(typeof crypto.subtle.importKey).toBe('function');
});

// Chromium's WebCrypto refuses 192-bit AES keys; noble takes them.
describeCodecs('chromium', { webCryptoAes192: false });
