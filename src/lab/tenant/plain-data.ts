/** Copies of plain (JSON-able) data. */

/** A deep copy. */
export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** A copy without the keys whose value is undefined ("not given" never overwrites a default). */
export function defined<T extends object>(v: T): T {
  return Object.fromEntries(Object.entries(clone(v)).filter(([, x]) => x !== undefined)) as T;
}
