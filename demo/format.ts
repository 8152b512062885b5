/**
 * How the demo page writes values: literals as TypeScript would, short ids, a colour per
 * world, and stored bytes as text or hex.
 *
 * @module
 */
import type { DomainEvent, EventClass } from '../src/index.js';
import { h } from './dom.js';

/**
 * Writes a value as a TypeScript literal: `'text'`, `4`, `null`, `['a', 'b']`.
 *
 * @param value - the value
 * @returns the literal
 */
export function literal(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  return JSON.stringify(value);
}

/**
 * Shortens an id for display: its first eight characters.
 *
 * @param id - the id
 * @returns the short form
 */
export function shortId(id: string): string {
  return id.length > 9 ? `${id.slice(0, 8)}…` : id;
}

/**
 * Gives each world its own colour, the same in every panel and every tab.
 *
 * @param id - the world's id
 * @returns a CSS colour
 */
export function worldColour(id: string): string {
  const hex = id.replace(/[^0-9a-f]/gi, '').slice(0, 6);
  const hue = Math.round((parseInt(hex === '' ? '0' : hex, 16) / 0xffffff) * 360);
  return `hsl(${hue} 70% 48%)`;
}

/**
 * Returns the stored topic of an event's class (class names do not survive minification).
 *
 * @param event - the event
 * @returns the topic
 */
export function topicOf(event: DomainEvent): string {
  return (event.constructor as unknown as EventClass).topic;
}

/**
 * Describes what an event of a world says, in a few words.
 *
 * @param event - a world's event
 * @returns the description
 */
export function describeEvent(event: DomainEvent): string {
  const what = (event as DomainEvent & { what?: unknown }).what;
  return typeof what === 'string' ? what : 'world created';
}

/**
 * Writes an event's fields as JSON, without the ones every event has.
 *
 * @param event - the event
 * @returns the JSON
 */
export function eventFields(event: DomainEvent): string {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (key !== 'originatorId' && key !== 'originatorVersion') fields[key] = value;
  }
  return JSON.stringify(fields);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Shows stored bytes: as text when they are readable UTF-8, else as hex; with a cipher, the
 * AES-GCM layout is marked: nonce (12 bytes), tag (16), then the ciphertext.
 *
 * @param bytes - the stored bytes
 * @param encrypted - whether the application encrypts its events
 * @returns the element
 */
export function bytesView(bytes: Uint8Array, encrypted: boolean): HTMLElement {
  const size = h('span', { class: 'bytes-size' }, `${bytes.length} bytes`);
  const text = encrypted ? undefined : readable(bytes);
  if (text !== undefined) {
    return h('span', { class: 'bytes', 'data-format': 'json' }, size, h('code', {}, text));
  }
  const shown = bytes.subarray(0, 40);
  const code = h('code', {});
  if (encrypted) {
    code.append(
      h('span', { class: 'nonce', title: 'nonce: 12 random bytes' }, hex(shown.subarray(0, 12))),
      ' ',
      h('span', { class: 'tag', title: 'authentication tag: 16 bytes' }, hex(shown.subarray(12, 28))),
      ' ',
      h('span', { class: 'cipher', title: 'compressed, then encrypted state' }, hex(shown.subarray(28))),
    );
  } else {
    code.append(hex(shown));
  }
  if (bytes.length > shown.length) code.append('…');
  return h('span', { class: 'bytes', 'data-format': encrypted ? 'ciphertext' : 'binary' }, size, code);
}

function readable(bytes: Uint8Array): string | undefined {
  try {
    const text = utf8.decode(bytes);
    // Control characters mean binary data that happens to be valid UTF-8.
    return Array.from(text).some((ch) => ch < ' ' && ch !== '\n' && ch !== '\t') ? undefined : text;
  } catch {
    return undefined;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
