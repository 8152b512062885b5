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

/**
 * ISO 8601 as Python's `isoformat` writes it: date, `T` (or a space), time with optional
 * seconds and fraction, and an optional `Z` or `±HH:MM` offset.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * `Date` as ISO 8601 in the original's format (`2026-11-27T13:14:01.123+00:00`), for the years
 * Python's `datetime` holds (1 to 9999). Reads what Python writes: `Z` or an offset, the
 * original's microseconds (kept to the millisecond), and a date with no offset as UTC (never
 * in the reader's local time).
 */
export class DateAsIso implements Transcoding<Date, string> {
  readonly type = Date;
  readonly name = 'datetime_iso';
  #day = Number.NaN;
  #dayPrefix = '';

  /**
   * Writes a date.
   *
   * @param value - the date
   * @returns its ISO 8601 text
   * @throws {@link TranscodingError} for an invalid date or a year outside 1 to 9999
   */
  encode(value: Date): string {
    // Formatting is most of an event's encoding cost, and events of one day share their date:
    // the date part is made (and the date's range checked) once per day.
    const time = value.getTime();
    const day = Math.floor(time / MS_PER_DAY);
    if (day !== this.#day) {
      if (!(time >= MIN_TIME && time <= MAX_TIME)) {
        throw new TranscodingError(
          `transcoder: the date ${Number.isNaN(time) ? 'is invalid' : `${value.toISOString()} is outside the years 1 to 9999 that Python's datetime holds`}`,
        );
      }
      this.#dayPrefix = value.toISOString().slice(0, -13);
      this.#day = day;
    }
    let ms = time - day * MS_PER_DAY;
    const hours = Math.floor(ms / 3_600_000);
    ms -= hours * 3_600_000;
    const minutes = Math.floor(ms / 60_000);
    ms -= minutes * 60_000;
    const seconds = Math.floor(ms / 1000);
    ms -= seconds * 1000;
    return `${this.#dayPrefix}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(ms)}+00:00`;
  }

  /**
   * Reads a date.
   *
   * @param data - ISO 8601 text
   * @returns the date
   * @throws {@link TranscodingError} for text that is not such a date
   */
  decode(data: string): Date {
    const match = typeof data === 'string' ? ISO_DATE.exec(data) : null;
    if (match === null) throw notIsoDate(data);
    const [, year, month, day, hours, minutes, seconds, fraction, , sign, offsetHours, offsetMinutes] = match;
    const date = new Date(0);
    // setUTCFullYear, not Date.UTC: Date.UTC reads the years 0 to 99 as 1900 to 1999.
    date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
    date.setUTCHours(
      Number(hours),
      Number(minutes),
      seconds === undefined ? 0 : Number(seconds),
      fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0')),
    );
    // Out-of-range fields roll over (a 31st of February, an hour 24): refuse them instead.
    if (
      date.getUTCDate() !== Number(day) ||
      date.getUTCMonth() !== Number(month) - 1 ||
      date.getUTCHours() !== Number(hours) ||
      date.getUTCMinutes() !== Number(minutes) ||
      (seconds !== undefined && date.getUTCSeconds() !== Number(seconds))
    ) {
      throw notIsoDate(data);
    }
    if (sign !== undefined) {
      const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
      date.setTime(date.getTime() - (sign === '-' ? -offset : offset));
    }
    return date;
  }
}

function notIsoDate(data: unknown): TranscodingError {
  const shown = typeof data === 'string' ? `'${data}'` : `a ${typeof data}`;
  return new TranscodingError(`transcoder: ${shown} is not an ISO 8601 date`);
}

/** `bigint` as its decimal digits. */
export class BigIntAsString implements Transcoding<bigint, string> {
  readonly type = BigInt;
  readonly name = 'bigint';
  encode(value: bigint): string {
    return value.toString();
  }
  decode(data: string): bigint {
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
  decode(data: string): Uint8Array {
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
  decode(data: [unknown, unknown][]): Map<unknown, unknown> {
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
  decode(data: unknown[]): Set<unknown> {
    return new Set(data);
  }
}
