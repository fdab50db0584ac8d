/**
 * The restore window of a soft-deleted user: Entra ID keeps deleted users for 30 days after their
 * `deletedDateTime`, then deletes them permanently, and a restore is no longer possible
 * (https://learn.microsoft.com/graph/api/resources/directory: "Deleted items remain
 * available to restore for up to 30 days. After 30 days, the items are permanently deleted.").
 * Pure: the time to compare with is passed in (the plan's `createdAt`; apply passes its own clock to
 * re-check before it restores).
 */

/** Days a soft-deleted user can be restored. */
export const RESTORE_WINDOW_DAYS = 30;

/** Where a soft-deleted user's restore window stands at a given time. */
export interface RestoreWindow {
  /** ISO 8601: when the user is deleted permanently (`deletedDateTime` + 30 days). */
  endsAt: string;
  /** True while a restore can still succeed (`at` is before `endsAt`). */
  open: boolean;
  /** Seconds from `at` until the window ends (negative once it has ended). */
  remainingS: number;
}

/**
 * The restore window of a user deleted at `deletedDateTime`, seen at `at` (both ISO 8601). Null when
 * either time cannot be parsed (the caller then cannot tell, and says so).
 */
export function restoreWindow(deletedDateTime: string, at: string): RestoreWindow | null {
  const deleted = Date.parse(deletedDateTime);
  const now = Date.parse(at);
  if (Number.isNaN(deleted) || Number.isNaN(now)) return null;
  const ends = deleted + RESTORE_WINDOW_DAYS * 24 * 3600 * 1000;
  return { endsAt: new Date(ends).toISOString(), open: now < ends, remainingS: Math.floor((ends - now) / 1000) };
}
