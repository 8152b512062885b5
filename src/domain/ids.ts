/**
 * Uuid v4 ids for new aggregates.
 *
 * @module
 */

/** How many ids one fill of the random pool makes. */
const IDS_PER_FILL = 256;

/** Random bytes for the next ids: 16 per id, filled from the platform's CSPRNG. */
const pool = new Uint8Array(16 * IDS_PER_FILL);

/** The index of the next id's bytes in the pool; a full count means the pool is used up. */
let next = IDS_PER_FILL;

/** The character codes of the id, filled in place for each id. */
const codes = new Array<number>(36).fill(45);

/** Where each of the 16 bytes goes in the text (two hex digits from there); dashes between. */
const POSITIONS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/** The character codes of the 16 hex digits. */
const HEX = Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

/**
 * Makes a random uuid (version 4, RFC 9562) from `crypto.getRandomValues`, which every runtime
 * this library runs in has (browsers also outside secure contexts, Node, Workers). The random
 * bytes are drawn 4 KB at a time and each is used once, and the text is made in one piece, not
 * joined from pieces: about a quarter of the work of Node's `randomUUID`, whose text is a tree
 * of 20 joined strings that a map key must flatten before it is hashed. (A process started
 * from a V8 startup snapshot taken after ids were made would repeat the rest of the pool; a
 * repeated id is refused when it is saved, with a `RecordConflictError`, never overwritten.)
 *
 * @returns a new id, as `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` in lower-case hex
 */
export function newId(): string {
  if (next === IDS_PER_FILL) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  const offset = 16 * next++;
  for (let i = 0; i < 16; i++) {
    let byte = pool[offset + i] as number;
    // The version (4) in the high digit of byte 6, the variant (binary 10) in byte 8.
    if (i === 6) byte = (byte & 0x0f) | 0x40;
    else if (i === 8) byte = (byte & 0x3f) | 0x80;
    const at = POSITIONS[i] as number;
    codes[at] = HEX[byte >> 4] as number;
    codes[at + 1] = HEX[byte & 0x0f] as number;
  }
  return String.fromCharCode(...codes);
}
