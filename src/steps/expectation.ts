/**
 * What a `sync.await` step waits for, in every wording the plan and apply use, one entry per
 * expectation kind (the mapped type makes it complete).
 */
import type { Expectation } from '../model/step.js';

type ExpectationOf<K extends Expectation['kind']> = Extract<Expectation, { kind: K }>;

interface ExpectationWords<K extends Expectation['kind']> {
  /** The plan's view: what holds when the wait ends ("alice is soft-deleted in Entra ID …"). */
  holds(e: ExpectationOf<K>): string;
  /** What is awaited, short, after "wait for" in a step's title. */
  awaited(e: ExpectationOf<K>): string;
  /** What is awaited with what identifies it, in apply's wait messages ("waiting for …", "timed out … waiting for …"). */
  awaitedInFull(e: ExpectationOf<K>): string;
  /** The sentence a wait ends with. */
  outcome(e: ExpectationOf<K>): string;
}

const WORDS: { [K in Expectation['kind']]: ExpectationWords<K> } = {
  userSoftDeleted: {
    holds: (e) => `${e.upn} is soft-deleted in Entra ID (it left the sync scope)`,
    awaited: (e) => `${e.upn} to be soft-deleted by the sync engine`,
    awaitedInFull: (e) => `${e.upn} to be soft-deleted by the sync engine (it left the sync scope)`,
    outcome: (e) => `${e.upn} was soft-deleted by the sync engine`,
  },
  userSynced: {
    // a user created by this plan has no anchor yet: its immutable id is known only after the match
    holds: (e) =>
      e.immutableId === '' ? `${e.upn} is synced from AD (matched to the AD user this plan creates)` : `${e.upn} is synced from AD with immutable id ${e.immutableId}`,
    awaited: (e) => `${e.upn} to be synced from AD`,
    awaitedInFull: (e) => `${e.upn} to be synced from AD${e.immutableId ? ` with immutable id ${e.immutableId}` : ''}`,
    outcome: (e) => `${e.upn} is synced from AD with immutable id ${e.immutableId || '(set by the sync engine)'}`,
  },
  tenantSyncDisabled: {
    holds: () => 'the tenant-wide disable of directory synchronization has completed (up to 72 h)',
    awaited: (e) => `directory synchronization of tenant ${e.tenantId} to finish turning off`,
    awaitedInFull: (e) => `directory synchronization of tenant ${e.tenantId} to finish turning off`,
    outcome: (e) => `directory synchronization of tenant ${e.tenantId} has finished turning off`,
  },
};

/** The wording of an expectation. */
export function expectationWords(e: Expectation): ExpectationWords<Expectation['kind']> {
  // each entry takes only its own kind, and WORDS[e.kind] is the entry of e's kind
  return WORDS[e.kind] as ExpectationWords<Expectation['kind']>;
}

/** What is expected, as a sentence fragment: "alice@contoso.com to be soft-deleted by the sync engine (it left the sync scope)". */
export function describeExpectation(e: Expectation): string {
  return expectationWords(e).awaitedInFull(e);
}
