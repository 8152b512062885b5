/**
 * Deep copies of plain data, so that state handed on (a created event's payload to its
 * aggregate, an aggregate's state to a snapshot) is never changed through another holder
 * (internal: not exported by the package).
 *
 * @module
 */
import { TranscodingError } from '../errors.js';

/** The deepest data copied: as deep as the transcoder writes, and a cycle stops here. */
const MAX_COPY_DEPTH = 500;

/**
 * Copies data deeply: arrays, plain objects, `Map` (its values), `Set`, `Date` and `Uint8Array`
 * (a subclass's too, as its class) are copied; any other object (an instance of a class of the
 * user's, a subclass of `Map`, `Set` or `Date` included) is shared as it is.
 *
 * @param value - the value
 * @param what - what the value is, for the error
 * @returns the copy
 * @throws {@link TranscodingError} for data nested deeper than the transcoder writes, or data
 *   that holds itself
 */
export function copyData(value: unknown, what: string): unknown {
  return copy(value, 0, what);
}

function copy(value: unknown, depth: number, what: string): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_COPY_DEPTH) {
    throw new TranscodingError(
      `${what} is nested deeper than ${String(MAX_COPY_DEPTH)} levels, or holds itself: the library writes and copies no deeper`,
    );
  }
  if (Array.isArray(value)) return value.map((item) => copy(item, depth + 1, what));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const result = Object.create(proto) as Record<string, unknown>;
    for (const key in value) {
      // defineProperty: an own `__proto__` key stays a key and never becomes the prototype.
      Object.defineProperty(result, key, {
        value: copy((value as Record<string, unknown>)[key], depth + 1, what),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return result;
  }
  // By the prototype: a copy made as a Map, Set or Date would lose the class of a subclass
  // (one with a transcoding of its own), which is shared as other classes are.
  if (proto === Map.prototype) {
    return new Map([...(value as Map<unknown, unknown>)].map(([k, v]) => [k, copy(v, depth + 1, what)]));
  }
  if (proto === Set.prototype) {
    return new Set([...(value as Set<unknown>)].map((item) => copy(item, depth + 1, what)));
  }
  if (proto === Date.prototype) return new Date((value as Date).getTime());
  // Uint8Array's own slice, whose copy is of the value's class: a subclass's own slice may
  // share memory (Node's Buffer's does).
  if (value instanceof Uint8Array) return Uint8Array.prototype.slice.call(value);
  return value;
}
