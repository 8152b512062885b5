/**
 * The transcodings every application registers: `Date`, `bigint`, `Uint8Array`, `Map`, `Set`.
 *
 * @module
 */
import { TranscodingError } from '../errors.js';
import { fromBase64, toBase64 } from './bytes.js';
import type { Transcoding } from './transcoder.js';

const MS_PER_DAY = 86_400_000;

function pad2(n: number): string {
  return n < 10 ? `0${String(n)}` : String(n);
}

function pad3(n: number): string {
  return n < 10 ? `00${String(n)}` : n < 100 ? `0${String(n)}` : String(n);
}

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the range of Python's `datetime`. */
const MIN_TIME = -62_135_596_800_000;
const MAX_TIME = 253_402_300_799_999;

/** Milliseconds in 400 Gregorian years: the calendar repeats after them. */
const MS_PER_400_YEARS = 146_097 * MS_PER_DAY;

/**
 * Reads `count` decimal digits of `text` from `from`.
 *
 * @returns their value, or -1 when any of them is not a digit
 */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * Finds the end of a fraction's digits: at most `most` of them from `from`.
 *
 * @returns the index after the last digit (`from` when there is none)
 */
function fractionEnd(text: string, from: number, most: number): number {
  let i = from;
  while (i < text.length && i - from < most && digits(text, i, 1) >= 0) i++;
  return i;
}

/**
 * Reads the milliseconds of a fraction's digits from `from` to `end`: the first three, with
 * zeros for any missing.
 */
function fractionMs(text: string, from: number, end: number): number {
  let ms = 0;
  for (let k = from; k < from + 3; k++) ms = ms * 10 + (k < end ? text.charCodeAt(k) - 48 : 0);
  return ms;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Reads the part of a UTC offset after its sign, as Python writes and reads it: `HH`, then
 * optionally `MM`, `SS` and a fraction of up to 6 digits, with or without colons (one way
 * throughout), to the end of the text.
 *
 * @param text - the text
 * @param from - where the hours start
 * @returns the offset in milliseconds, or NaN when it is not one
 */
function parseOffset(text: string, from: number): number {
  const n = text.length;
  const parts = [digits(text, from, 2), 0, 0];
  let i = from + 2;
  const colon = text.charCodeAt(i) === 58 ? 1 : 0;
  let read = 1;
  for (; read < 3 && i < n && text.charCodeAt(i) !== 46; read++) {
    if ((text.charCodeAt(i) === 58 ? 1 : 0) !== colon) return Number.NaN;
    parts[read] = digits(text, i + colon, 2);
    i += colon + 2;
  }
  const [hours = -1, minutes = -1, seconds = -1] = parts;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) {
    return Number.NaN;
  }
  let ms = 0;
  if (i < n && text.charCodeAt(i) === 46) {
    // A fraction only after seconds, as Python writes it.
    if (read < 3) return Number.NaN;
    const from = i + 1;
    i = fractionEnd(text, from, 6);
    if (i === from) return Number.NaN;
    ms = fractionMs(text, from, i);
  }
  return i === n ? ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms : Number.NaN;
}

/**
 * Reads ISO 8601 as Python's `isoformat` writes it: `YYYY-MM-DD`, `T` or a space, `HH:MM`,
 * optional `:SS` and a fraction of 1 to 9 digits (kept to the millisecond), and an optional
 * `Z` or `±HH:MM` (or `±HHMM`) offset; no offset is UTC. Fields out of range are refused.
 *
 * @param text - the text
 * @returns the time in milliseconds since the epoch, or NaN when the text is not such a date
 */
function parseIsoDate(text: string): number {
  const n = text.length;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hours = digits(text, 11, 2);
  const minutes = digits(text, 14, 2);
  const t = text.charCodeAt(10);
  if (
    n < 16 ||
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    (t !== 84 && t !== 32) || // T or a space
    text.charCodeAt(13) !== 58 || // :
    year < 1 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hours < 0 ||
    hours > 23 ||
    minutes < 0 ||
    minutes > 59
  ) {
    return Number.NaN;
  }
  let i = 16;
  let seconds = 0;
  let ms = 0;
  if (text.charCodeAt(i) === 58) {
    seconds = digits(text, i + 1, 2);
    if (seconds < 0 || seconds > 59) return Number.NaN;
    i += 3;
    if (text.charCodeAt(i) === 46) {
      // A fraction: 1 to 9 digits, of which the first three are the milliseconds.
      const from = i + 1;
      i = fractionEnd(text, from, 9);
      if (i === from) return Number.NaN;
      ms = fractionMs(text, from, i);
    }
  }
  let offset = 0;
  if (i < n) {
    const sign = text.charCodeAt(i);
    if (sign === 90 && i + 1 === n) {
      // Z
    } else if (i + 6 === n && text.endsWith('+00:00')) {
      // UTC as this library and the original write it: nothing to add.
    } else if (sign === 43 || sign === 45) {
      offset = (sign === 45 ? -1 : 1) * parseOffset(text, i + 1);
      if (Number.isNaN(offset)) return Number.NaN;
    } else {
      return Number.NaN;
    }
  }
  // Date.UTC reads the years 0 to 99 as 1900 to 1999: take them 400 years on, and back.
  const time =
    year < 100
      ? Date.UTC(year + 400, month - 1, day, hours, minutes, seconds, ms) - MS_PER_400_YEARS - offset
      : Date.UTC(year, month - 1, day, hours, minutes, seconds, ms) - offset;
  // An offset can move a date past the years 1 to 9999, which could not be written again.
  return time >= MIN_TIME && time <= MAX_TIME ? time : Number.NaN;
}

/**
 * The last date written: its time and text, and its day's number and text. Every
 * {@link DateAsIso} shares it (a text depends on nothing but the time), so a new application
 * (a Worker may make one per request) reuses what the last one formatted.
 */
const written = { time: Number.NaN, text: '', day: Number.NaN, dayPrefix: '' };

/** The last date text read and its time, shared likewise; it starts as a valid pair. */
const read = { text: '1970-01-01T00:00:00.000+00:00', time: 0 };

/**
 * `Date` as ISO 8601 in the original's format (`2026-11-27T13:14:01.123+00:00`), for the years
 * Python's `datetime` holds (1 to 9999). Reads what Python writes: `Z` or an offset, the
 * original's microseconds (kept to the millisecond), and a date with no offset as UTC (never
 * in the reader's local time).
 */
export class DateAsIso implements Transcoding<Date, string> {
  readonly type = Date;
  readonly name = 'datetime_iso';

  /**
   * Writes a date.
   *
   * @param value - the date
   * @returns its ISO 8601 text
   * @throws {@link TranscodingError} for an invalid date or a year outside 1 to 9999
   */
  encode(value: Date): string {
    // Formatting is most of an event's encoding cost, and events saved together share their
    // time: the text of the last millisecond is kept, and the date part is made (and the
    // date's range checked) once per day.
    const time = value.getTime();
    if (time === written.time) return written.text;
    const day = Math.floor(time / MS_PER_DAY);
    if (day !== written.day) {
      if (!(time >= MIN_TIME && time <= MAX_TIME)) {
        throw new TranscodingError(
          `transcoder: the date ${Number.isNaN(time) ? 'is invalid' : `${value.toISOString()} is outside the years 1 to 9999 that Python's datetime holds`}`,
        );
      }
      written.dayPrefix = value.toISOString().slice(0, -13);
      written.day = day;
    }
    let ms = time - day * MS_PER_DAY;
    const hours = Math.floor(ms / 3_600_000);
    ms -= hours * 3_600_000;
    const minutes = Math.floor(ms / 60_000);
    ms -= minutes * 60_000;
    const seconds = Math.floor(ms / 1000);
    ms -= seconds * 1000;
    written.text = `${written.dayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}+00:00`;
    written.time = time;
    return written.text;
  }

  /**
   * Reads a date. The time of the last text read is kept, so the same text read again (the
   * events of one save share their date) is not parsed again.
   *
   * @param data - ISO 8601 text
   * @returns the date, a new `Date` for every read
   * @throws {@link TranscodingError} for text that is not such a date
   */
  decode(data: string): Date {
    // The events of one save, read one after another, have the same text: it is parsed once.
    if (data === read.text) return new Date(read.time);
    const time = typeof data === 'string' ? parseIsoDate(data) : Number.NaN;
    if (Number.isNaN(time)) throw notIsoDate(data);
    read.text = data;
    read.time = time;
    return new Date(time);
  }
}

function notIsoDate(data: unknown): TranscodingError {
  return new TranscodingError(`transcoder: ${describe(data)} is not an ISO 8601 date`);
}

/** Names what a transcoding was given instead of its data, for its error. */
function describe(data: unknown): string {
  if (typeof data === 'string') return `'${data.length > 40 ? `${data.slice(0, 40)}...` : data}'`;
  if (Array.isArray(data)) return 'a list';
  return data === null ? 'null' : `a value of type ${typeof data}`;
}

/** The text of a `bigint`: decimal digits, optionally negative. */
const DECIMAL = /^-?[0-9]+$/;

/** `bigint` as its decimal digits. */
export class BigIntAsString implements Transcoding<bigint, string> {
  readonly type = BigInt;
  readonly name = 'bigint';
  encode(value: bigint): string {
    return value.toString();
  }
  /**
   * Reads a `bigint`.
   *
   * @param data - its decimal digits, with a leading `-` when negative
   * @returns the value
   * @throws TypeError for anything else (`BigInt` alone would take `''`, hex or `[7]`)
   */
  decode(data: string): bigint {
    if (typeof data !== 'string' || !DECIMAL.test(data)) {
      throw new TypeError(`bigint: expected decimal digits, got ${describe(data)}`);
    }
    return BigInt(data);
  }
}

/** `Uint8Array` as base64. */
export class BytesAsBase64 implements Transcoding<Uint8Array, string> {
  readonly type = Uint8Array;
  readonly name = 'bytes_base64';
  encode(value: Uint8Array): string {
    return toBase64(value);
  }
  /**
   * Reads bytes.
   *
   * @param data - their base64 text
   * @returns the bytes
   * @throws TypeError for anything but base64 text
   */
  decode(data: string): Uint8Array {
    if (typeof data !== 'string')
      throw new TypeError(`bytes_base64: expected base64 text, got ${describe(data)}`);
    return fromBase64(data);
  }
}

/** `Map` as a list of `[key, value]` pairs (keys and values transcoded too). */
export class MapAsPairs implements Transcoding<Map<unknown, unknown>, [unknown, unknown][]> {
  readonly type = Map;
  readonly name = 'map';
  encode(value: Map<unknown, unknown>): [unknown, unknown][] {
    return [...value];
  }
  /**
   * Reads a `Map`.
   *
   * @param data - its `[key, value]` pairs
   * @returns the map
   * @throws TypeError for anything but a list of pairs
   */
  decode(data: [unknown, unknown][]): Map<unknown, unknown> {
    if (
      !Array.isArray(data) ||
      !(data as unknown[]).every((pair) => Array.isArray(pair) && pair.length === 2)
    ) {
      throw new TypeError(`map: expected a list of [key, value] pairs, got ${describe(data)}`);
    }
    return new Map(data);
  }
}

/** `Set` as a list of its members (transcoded too). */
export class SetAsList implements Transcoding<Set<unknown>, unknown[]> {
  readonly type = Set;
  readonly name = 'set';
  encode(value: Set<unknown>): unknown[] {
    return [...value];
  }
  /**
   * Reads a `Set`.
   *
   * @param data - its members
   * @returns the set
   * @throws TypeError for anything but a list (`new Set` alone would take a string's characters)
   */
  decode(data: unknown[]): Set<unknown> {
    if (!Array.isArray(data)) throw new TypeError(`set: expected a list, got ${describe(data)}`);
    return new Set(data);
  }
}
