/**
 * The interfaces of the byte codecs a mapper can use: a compressor and a cipher.
 *
 * @module
 */

/** Compresses and decompresses bytes; synchronous, as fflate is. */
export interface Compressor {
  /**
   * Compresses bytes.
   *
   * @param data - the bytes
   * @returns the compressed bytes
   */
  compress(data: Uint8Array): Uint8Array;

  /**
   * Decompresses bytes.
   *
   * @param data - compressed bytes
   * @returns the original bytes
   * @throws {@link CompressorError} when the data is corrupt
   */
  decompress(data: Uint8Array): Uint8Array;
}

/** Encrypts and decrypts bytes; asynchronous, as WebCrypto is. */
export interface Cipher {
  /**
   * Encrypts bytes.
   *
   * @param plaintext - the bytes, read when the method is called (the caller may reuse them)
   * @returns the ciphertext
   * @throws {@link CipherError} when encryption fails (a key the runtime refuses, no random
   *   source for a nonce)
   */
  encrypt(plaintext: Uint8Array): Promise<Uint8Array>;

  /**
   * Decrypts bytes.
   *
   * @param ciphertext - bytes made by {@link Cipher.encrypt} with the same key, read when the
   *   method is called (the caller may reuse them)
   * @returns the plaintext
   * @throws {@link CipherError} on a wrong key or a truncated or tampered ciphertext
   */
  decrypt(ciphertext: Uint8Array): Promise<Uint8Array>;
}
