import { expect, it } from 'vitest';
import { describeCodecs } from '../cipher/cipher.suite.js';

it('runs inside workerd', () => {
  // WebSocketPair exists only in the Workers runtime.
  expect(typeof WebSocketPair).toBe('function');
  expect(typeof crypto.subtle.importKey).toBe('function');
});

// workerd's WebCrypto takes 128, 192 and 256-bit AES keys.
describeCodecs('workerd', { webCryptoAes192: true });
