/**
 * AES-GCM encryption of stored state over WebCrypto, byte-compatible with the original
 * library's `AESCipher`. For AES-GCM in JavaScript, see `eventsourcing/cipher/noble`.
 *
 * @module
 */
export { AesGcmCipher } from './aes-gcm-cipher.js';
export type { CipherDescription } from './key.js';
