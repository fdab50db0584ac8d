/** Reading fields of Graph's JSON answers (objects of unknown shape). */

export type Json = Record<string, unknown>;

export const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
export const boolOrNull = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
/** A count for people: 12,345. */
export const fmt = (n: number): string => n.toLocaleString('en-US');
