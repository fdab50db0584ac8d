const UNIT_SECONDS = { s: 1, m: 60, h: 3600 } as const;

/** `30s` → 30, `15m` → 900, `2h` → 7200; null for anything else (the schema rejects those). */
export function durationToSeconds(text: string): number | null {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  return Number(m[1]) * UNIT_SECONDS[m[2] as keyof typeof UNIT_SECONDS];
}
