/**
 * Byte helpers shared by the core and the adapters: every byte value is a `Uint8Array`.
 *
 * @module
 */

/**
 * Encodes bytes as standard base64 (with padding).
 *
 * @param bytes - the bytes
 * @returns the base64 text
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * The characters of standard base64, then up to two `=`. With a length that divides by 4, this is
 * base64 padded as `btoa` and Python's `b64encode` write it. A pattern of repeated 4-character
 * groups would say the same, but V8 backtracks through such a group on its stack, and overflows
 * it on text of a few million characters.
 */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Tells whether text is standard base64 with its padding (internal: not exported by the
 * package).
 *
 * @param text - the text
 * @returns true when {@link fromBase64} reads it
 */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

/**
 * Decodes standard base64, padded as `btoa` writes it.
 *
 * @param text - the base64 text
 * @returns the bytes
 * @throws TypeError when the text is not standard base64 with its padding (`atob` alone would
 *   also take whitespace and missing padding)
 */
export function fromBase64(text: string): Uint8Array {
  if (!isBase64(text)) throw new TypeError('bytes: text is not standard base64 with its padding');
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Normalises what a database gives back for a BLOB (a `Uint8Array`, an `ArrayBuffer`, a view,
 * or D1's `number[]`) to a `Uint8Array`.
 *
 * @param value - the database value
 * @returns the bytes
 * @throws TypeError when the value is not bytes, or an array holds other than integers from 0
 *   to 255
 */
export function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) {
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) {
    const bytes = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const byte: unknown = value[i];
      // Uint8Array.from alone would wrap 300 to 44 and read 'a' as 0.
      if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
        throw new TypeError(
          `bytes: expected integers from 0 to 255, got ${String(byte)} at index ${String(i)}`,
        );
      }
      bytes[i] = byte;
    }
    return bytes;
  }
  throw new TypeError(`bytes: expected bytes, got ${typeof value}`);
}

/**
 * The size of the blocks the JSON transcoder writes small states into: such a state is a view
 * of a block shared with the states written before and after it, as a small Node `Buffer` is
 * a view of Node's buffer pool.
 */
export const BLOCK_BYTES = 16_384;

/** The buffers of the blocks a {@link BlockEncoder} writes into: only views of these are kept as given. */
const blocks = new WeakSet<ArrayBufferLike>();

/**
 * The longest text (in UTF-16 code units) written into a shared block: its UTF-8 is at most
 * 3 KiB, so less than a fifth of a block is left unused when a text does not fit its end
 * (besides up to 3 bytes after each text, to align the next).
 */
const MAX_BLOCK_TEXT = 1024;

/**
 * Encodes text as UTF-8 into shared blocks of {@link BLOCK_BYTES}: a text of at most 1,024
 * UTF-16 code units becomes a view of the current block, beside the texts encoded before and
 * after it (a buffer of its own costs more than the encoding in Node); a longer text gets a
 * buffer of its own. Bytes once handed out are never written again.
 */
export class BlockEncoder {
  readonly #encoder = new TextEncoder();
  /** The buffer of the current block: views of it are made from the buffer, never through `.buffer`. */
  #buffer = newBlock();
  /** Where the next text starts in the block. */
  #offset = 0;

  /**
   * Encodes a text.
   *
   * @param text - the text
   * @returns its UTF-8 bytes, read through their `byteOffset` and `byteLength`
   */
  encode(text: string): Uint8Array {
    if (text.length > MAX_BLOCK_TEXT) return this.#encoder.encode(text);
    let buffer = this.#buffer;
    let offset = this.#offset;
    // Room for the worst case, 3 bytes per UTF-16 unit, so that no text is cut off.
    if (BLOCK_BYTES - offset < text.length * 3) {
      buffer = this.#buffer = newBlock();
      offset = 0;
    }
    const { read, written } = this.#encoder.encodeInto(text, new Uint8Array(buffer, offset));
    // Never the case with room for 3 bytes per unit; were it, the text is not cut short.
    if (read !== text.length) return this.#encoder.encode(text);
    // The next text starts 4-byte aligned: a cipher reading words (noble's) need not copy it.
    this.#offset = (offset + written + 3) & ~3;
    return new Uint8Array(buffer, offset, written);
  }
}

/** Makes the buffer of a block, known to {@link keptBytes} as one. */
function newBlock(): ArrayBuffer {
  const block = new ArrayBuffer(BLOCK_BYTES);
  blocks.add(block);
  return block;
}

/**
 * Returns the bytes a store that structured-clones or copies out its records (IndexedDB) keeps
 * of a state: the state itself, unless it views part of a larger buffer, which is copied so
 * that no more than the state is stored. The copy is made by `Uint8Array`'s own `slice`, since
 * a subclass may share memory in its `slice` (Node's `Buffer` does).
 *
 * @param state - the state
 * @returns the state, or a copy of exactly its bytes
 */
export function ownBytes(state: Uint8Array): Uint8Array {
  if (state.byteOffset === 0 && state.byteLength === state.buffer.byteLength) return state;
  return Uint8Array.prototype.slice.call(state);
}

/**
 * Returns the bytes a store in memory keeps of a state: the state itself when it is a view of
 * a transcoder's block ({@link BlockEncoder}: other states of the same kind, which such a
 * store keeps too), else {@link ownBytes}: any other view (of a caller's buffer, of Node's `Buffer`
 * pool) is copied, so that a kept state never holds on to bytes that are not states.
 *
 * @param state - the state
 * @returns the state, or a copy of exactly its bytes
 */
export function keptBytes(state: Uint8Array): Uint8Array {
  return blocks.has(state.buffer) ? state : ownBytes(state);
}
