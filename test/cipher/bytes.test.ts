/**
 * The base64 helpers every codec and transcoding shares: the key, a `Uint8Array` field of an
 * event, a remote log's states.
 */
import { describe, expect, it } from 'vitest';
import { BytesAsBase64, JsonTranscoder, fromBase64, toBase64 } from '../../src/index.js';
import { isBase64 } from '../../src/persistence/bytes.js';
import { firstDifference, noise } from './support.js';

describe('base64', () => {
  it('round-trips bytes of many megabytes, and refuses such text with one bad character', () => {
    // 6 MB: an event holding a photo, a remote log's large state. Base64 of it is 8 M characters.
    const bytes = noise(6_000_000);
    const text = toBase64(bytes);
    expect(text).toHaveLength(8_000_000);
    expect(isBase64(text)).toBe(true);
    expect(firstDifference(fromBase64(text), bytes)).toBe(-1);
    // The same length with a character outside the alphabet, or its padding gone.
    for (const bad of [`${text.slice(0, -1)}.`, `.${text.slice(1)}`, `${text.slice(0, -4)}AA`]) {
      expect(isBase64(bad)).toBe(false);
      expect(() => fromBase64(bad)).toThrow(TypeError);
      expect(() => fromBase64(bad)).toThrow(/^bytes: text is not standard base64/);
    }
  });

  it('reads back an event field of many megabytes of bytes, which the transcoder wrote as base64', () => {
    const transcoder = new JsonTranscoder();
    transcoder.register(new BytesAsBase64());
    const photo = noise(6_000_000, 3);
    const decoded = transcoder.decode(transcoder.encode({ photo })) as { photo: Uint8Array };
    expect(firstDifference(decoded.photo, photo)).toBe(-1);
  });

  it('reads standard base64 with its padding, and nothing else', () => {
    for (const [text, bytes] of [
      ['', []],
      ['AA==', [0]],
      ['AAE=', [0, 1]],
      ['AAEC', [0, 1, 2]],
      ['+/+/', [251, 255, 191]],
      ['AAECAw==', [0, 1, 2, 3]],
    ] as const) {
      expect(isBase64(text), text).toBe(true);
      expect([...fromBase64(text)], text).toEqual(bytes);
    }
    for (const text of [
      'A',
      'AA',
      'AAA',
      'AA=',
      'A===',
      '====',
      'AA==AA==',
      'AA=A',
      '-_-_',
      'AA AA',
      'AAE=\n',
    ]) {
      expect(isBase64(text), JSON.stringify(text)).toBe(false);
      expect(() => fromBase64(text), JSON.stringify(text)).toThrow(TypeError);
    }
  });
});
