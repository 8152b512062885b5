/**
 * AES-GCM encryption of stored state over `@noble/ciphers`, byte-compatible with the original
 * library's `AESCipher` and with `eventsourcing/cipher`.
 *
 * @module
 */
export { NobleAesGcmCipher } from './noble-aes-gcm-cipher.js';
export type { CipherDescription } from './key.js';
