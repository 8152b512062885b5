/**
 * The counts of the browser benchmark. Writes to a durable store commit at the speed of the
 * disk, so the write workloads are scaled down from the core benchmark's counts (noted in the
 * results); the read workloads keep them.
 *
 * @module
 */

/** The durability of write transactions. */
export type Durability = 'strict' | 'relaxed';

/** The counts per run. */
export const COUNTS = {
  /** `a`: saves of one new World (core: 10,000). */
  a: 200,
  /** `b`: saves of one more event of one World (core: 10,000). */
  b: 200,
  /** `c1`, `c2`: the events of the World read back (core: 10,000), saved 100 per save. */
  c: 10_000,
  /** `c1`: gets per run (core: 10). */
  c1Gets: 2,
  /** `c2`: gets per run (core: 500). */
  c2Gets: 50,
  /** `d1`, `d3`: Worlds of 100 events (core: 200, so 20,000 notifications). */
  dWorlds: 200,
  /** `e`: saves of 100 new Worlds (core: 100). */
  eSaves: 20,
} as const;

/** One line per count that differs from the core benchmark's. */
export const SCALED = [
  `a: ${String(COUNTS.a)} saves per run (core: 10,000)`,
  `b: ${String(COUNTS.b)} saves per run (core: 10,000)`,
  `c1: ${String(COUNTS.c1Gets)} gets per run (core: 10)`,
  `e: ${String(COUNTS.eSaves)} saves of 100 per run (core: 100)`,
  `c2: ${String(COUNTS.c2Gets)} gets per run (core: 500)`,
];
