/**
 * zlib compression of stored state over fflate, byte-compatible with the original library's
 * `ZlibCompressor`.
 *
 * @module
 */
export { ZlibCompressor, type ZlibCompressorOptions, type ZlibLevel } from './zlib-compressor.js';
