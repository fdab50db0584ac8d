import type { DirectoryAccess } from '../model/directory.js';
import { firstRdn } from '../model/dn.js';
import type { EntraAccess } from '../model/entra.js';
import type { AdUser, SourceAnchorAttribute } from '../model/observed.js';
import { FEATURE_GRAPH_NAME } from '../model/desired.js';
import { sameValues, type AttrChange, type Expectation, type PlannedStep, type Step, type StepKind } from '../model/index.js';
import { anchorOf } from '../identity/join.js';
import { StepFailure } from './errors.js';
import type { StepEvidence } from './journal.js';
import type { SecretSink } from './secrets.js';
import { checkExpectation, type SyncWaitGroup } from './sync-wait.js';

/** Everything a step handler may use. */
export interface StepContext {
  entra: EntraAccess;
  /** AD; reads retry while the DC is unreachable (within the outage's bounds). */
  directory: DirectoryAccess;
  /** The saved plan's steps by id. */
  stepById: ReadonlyMap<string, PlannedStep>;
  planned: PlannedStep;
  sourceAnchor: SourceAnchorAttribute;
  secrets: SecretSink;
  generatePassword: () => string;
  /** True when an earlier run started this step and recorded no outcome of it. */
  resumed: boolean;
  /**
   * What the step read before its first write, in this run or an earlier one (the journal keeps the
   * earliest): the baseline that tells whether a write whose answer was lost took effect.
   */
  evidence: StepEvidence | null;
  /** Where sync.await steps wait, all together. */
  waits: Pick<SyncWaitGroup, 'wait'>;
}

/**
 * How apply performs one kind of step. `isDone` checks the postcondition by re-reading the object
 * (idempotency: a step already in effect is recorded "skipped (already done)"); `run` performs it and
 * returns the sentence that says it was done.
 */
export interface StepHandler<S extends Step> {
  /** Imperative, for progress and failures: "convert alice@contoso.com to cloud authority". */
  title(step: S): string;
  /** The sentence for "done" when a write whose answer was lost turns out to be in effect. */
  outcome(step: S, ctx: StepContext): string;
  isDone(step: S, ctx: StepContext): Promise<boolean>;
  run(step: S, ctx: StepContext): Promise<string>;
  /** False when `isDone` cannot tell this attempt's effect (then a lost answer is not retried). Default true. */
  checkable?(step: S, ctx: StepContext): boolean;
  /** Read before the write and journaled with it (see StepContext.evidence). */
  evidence?(step: S, ctx: StepContext): Promise<StepEvidence>;
}

type Registry = { [K in StepKind]: StepHandler<Extract<Step, { kind: K }>> };

/** The DN of the user a createUser step creates: derived once by the planner and stored in the step. */
export function createdUserDn(step: Extract<Step, { kind: 'ad.createUser' }>): string {
  return step.dn;
}

const AD_FIELD: Record<AttrChange['attribute'], (u: AdUser) => string[]> = {
  mail: (u) => (u.mail ? [u.mail] : []),
  proxyAddresses: (u) => u.proxyAddresses,
  givenName: (u) => (u.givenName ? [u.givenName] : []),
  sn: (u) => (u.surname ? [u.surname] : []),
  displayName: (u) => (u.displayName ? [u.displayName] : []),
  userPrincipalName: (u) => (u.userPrincipalName ? [u.userPrincipalName] : []),
};

/** Current values of an AD attribute as a list (what `AttrChange.to` is compared with). */
export function adValues(u: AdUser, attribute: AttrChange['attribute']): string[] {
  return AD_FIELD[attribute](u);
}


async function mustGetAdUser(directory: DirectoryAccess, dn: string, who: string): Promise<AdUser> {
  const u = await directory.getUserByDn(dn);
  if (!u) throw new StepFailure(`${who} (${dn}) no longer exists in AD: run plan again`);
  return u;
}

/** Resolved expectations, per wait step: its isDone and its run read the created AD user once. */
const resolved = new WeakMap<PlannedStep, Promise<Expectation>>();

/** For a userSynced wait whose immutable id was not known at plan time: the anchor of the AD user the plan creates. */
function resolveExpectation(exp: Expectation, ctx: StepContext): Promise<Expectation> {
  if (exp.kind !== 'userSynced' || exp.immutableId !== '') return Promise.resolve(exp);
  let r = resolved.get(ctx.planned);
  if (r === undefined) {
    r = resolveCreatedAnchor(exp, ctx);
    resolved.set(ctx.planned, r);
  }
  return r;
}

async function resolveCreatedAnchor(exp: Extract<Expectation, { kind: 'userSynced' }>, ctx: StepContext): Promise<Expectation> {
  const byId = ctx.stepById;
  const seen = new Set<string>();
  const queue = [...ctx.planned.dependsOn];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    const dep = byId.get(id);
    if (!dep) continue;
    if (dep.step.kind === 'ad.createUser') {
      const created = await ctx.directory.getUserByDn(createdUserDn(dep.step));
      if (!created) {
        throw new StepFailure(`cannot wait for ${exp.upn} to be synced: the AD user ${createdUserDn(dep.step)} that step ${dep.id} created is gone: run plan again`);
      }
      return { ...exp, immutableId: anchorOf(created, ctx.sourceAnchor) };
    }
    queue.push(...dep.dependsOn);
  }
  return exp;
}

async function expectationHolds(ctx: StepContext, exp: Expectation): Promise<boolean> {
  return (await checkExpectation(ctx.entra, exp)).holds;
}

/** The sentence a sync wait ends with. */
function waitOutcome(exp: Expectation): string {
  switch (exp.kind) {
    case 'userSoftDeleted':
      return `${exp.upn} was soft-deleted by the sync engine`;
    case 'userSynced':
      return `${exp.upn} is synced from AD with immutable id ${exp.immutableId || '(set by the sync engine)'}`;
    case 'tenantSyncDisabled':
      return `directory synchronization of tenant ${exp.tenantId} has finished turning off`;
  }
}

export const STEP_HANDLERS: Registry = {
  'entra.setCloudManaged': {
    title: (s) => (s.to ? `convert ${s.upn} to cloud authority` : `hand ${s.upn} back to on-premises authority`),
    outcome: (s) => (s.to ? `${s.upn} was converted to cloud authority` : `${s.upn} was handed back to on-premises authority`),
    isDone: async (s, ctx) => {
      const u = await ctx.entra.getUser(s.userId);
      return u !== null && u.isCloudManaged === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setUserCloudManaged(s.userId, s.to);
      return STEP_HANDLERS['entra.setCloudManaged'].outcome(s, ctx);
    },
  },
  'entra.setGroupCloudManaged': {
    title: (s) => (s.to ? `convert group ${s.displayName} to cloud authority` : `hand group ${s.displayName} back to on-premises authority`),
    outcome: (s) => (s.to ? `group ${s.displayName} was converted to cloud authority` : `group ${s.displayName} was handed back to on-premises authority`),
    isDone: async (s, ctx) => {
      const g = await ctx.entra.getGroup(s.groupId);
      return g !== null && g.isCloudManaged === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setGroupCloudManaged(s.groupId, s.to);
      return STEP_HANDLERS['entra.setGroupCloudManaged'].outcome(s, ctx);
    },
  },
  'entra.setImmutableId': {
    title: (s) => (s.to === null ? `clear the immutable id of ${s.upn}` : `set the immutable id of ${s.upn} to ${s.to}`),
    outcome: (s) => (s.to === null ? `the immutable id of ${s.upn} was cleared` : `${s.upn} was linked to AD by immutable id ${s.to}`),
    isDone: async (s, ctx) => {
      const u = await ctx.entra.getUser(s.userId);
      return u !== null && u.onPremisesImmutableId === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setImmutableId(s.userId, s.to);
      return STEP_HANDLERS['entra.setImmutableId'].outcome(s, ctx);
    },
  },
  'entra.clearOnPremisesAttributes': {
    title: (s) => `clear the on-premises attributes of ${s.upn} (${Object.keys(s.attributes).join(', ')})`,
    outcome: (s) => `the on-premises attributes of ${s.upn} were cleared (${Object.keys(s.attributes).join(', ')})`,
    isDone: async (s, ctx) => {
      // A null onPremisesObjectIdentifier proves nothing where Graph does not return it (the reads fall
      // back to a $select without it), and clearing it again is harmless: always send that clear.
      if (Object.keys(s.attributes).includes('onPremisesObjectIdentifier')) return false;
      const u = await ctx.entra.getUser(s.userId);
      if (!u) return false;
      const rec = u as unknown as Record<string, unknown>;
      return Object.keys(s.attributes).every((a) => rec[a] === null || rec[a] === undefined);
    },
    run: async (s, ctx) => {
      await ctx.entra.clearOnPremisesAttributes(s.userId, Object.keys(s.attributes));
      return STEP_HANDLERS['entra.clearOnPremisesAttributes'].outcome(s, ctx);
    },
  },
  'entra.restoreDeleted': {
    title: (s) => `restore ${s.upn} from deleted users`,
    outcome: (s) => `${s.upn} was restored from deleted users`,
    // Restored = active again. A restore retried after its first answer was lost gets 404 (the deleted item
    // is gone because the first one worked): the executor then reads this postcondition (outcome.ts).
    isDone: async (s, ctx) => (await ctx.entra.getUser(s.deletedId)) !== null,
    run: async (s, ctx) => {
      await ctx.entra.restoreDeletedUser(s.deletedId);
      return STEP_HANDLERS['entra.restoreDeleted'].outcome(s, ctx);
    },
  },
  'entra.resetPassword': {
    title: (s) => `reset the password of ${s.upn}`,
    outcome: (s, ctx) => `the password of ${s.upn} was reset; the new password is the newest line for it in ${ctx.secrets.path ?? 'the secrets file'}`,
    // Postcondition: the user's lastPasswordChangeDateTime is later than it was before our first attempt
    // (the evidence journaled with that attempt). Both times are Graph's, so no clock skew plays a part.
    // https://learn.microsoft.com/graph/api/resources/user (lastPasswordChangeDateTime: "the time when this
    // Microsoft Entra user last changed their password or when their password was created, whichever date
    // the latest action was performed").
    evidence: async (s, ctx) => ({ lastPasswordChangeDateTime: (await ctx.entra.getUser(s.userId))?.lastPasswordChangeDateTime ?? null }),
    isDone: async (s, ctx) => {
      if (ctx.evidence === null) return false;
      const now = (await ctx.entra.getUser(s.userId))?.lastPasswordChangeDateTime ?? null;
      if (now === null) return false;
      const before = ctx.evidence.lastPasswordChangeDateTime;
      return before === null || Date.parse(now) > Date.parse(before);
    },
    checkable: (_s, ctx) => ctx.evidence?.lastPasswordChangeDateTime != null,
    run: async (s, ctx) => {
      const password = ctx.generatePassword();
      // Written before the call: a crash right after the reset cannot lose the password.
      const file = ctx.secrets.write(s.upn, password);
      await ctx.entra.resetPassword(s.userId, password, s.forceChangeAtNextSignIn);
      return `the password of ${s.upn} was reset${ctx.resumed ? ' again (the earlier attempt was interrupted; use the newest line)' : ''}; the new password is in ${file}`;
    },
  },
  'entra.setTenantSync': {
    title: (s) => (s.enabled ? `turn on directory synchronization for tenant ${s.tenantId}` : `turn off directory synchronization for tenant ${s.tenantId}`),
    outcome: (s) =>
      s.enabled
        ? `directory synchronization was turned on for tenant ${s.tenantId}`
        : `directory synchronization was turned off for tenant ${s.tenantId} (Entra completes this within 72 h; it cannot be cancelled)`,
    isDone: async (s, ctx) => {
      const t = await ctx.entra.getTenantSyncState();
      return s.enabled ? t.onPremisesSyncEnabled === true && !t.disablePending : t.onPremisesSyncEnabled !== true || t.disablePending;
    },
    run: async (s, ctx) => {
      await ctx.entra.setTenantSyncEnabled(s.tenantId, s.enabled);
      return STEP_HANDLERS['entra.setTenantSync'].outcome(s, ctx);
    },
  },
  'entra.setSyncFeature': {
    title: (s) => `set the sync feature ${s.feature} to ${String(s.to)}`,
    outcome: (s) => `the sync feature ${s.feature} was set to ${String(s.to)}`,
    isDone: async (s, ctx) => (await ctx.entra.getTenantSyncState()).features?.[FEATURE_GRAPH_NAME[s.feature]] === s.to,
    run: async (s, ctx) => {
      await ctx.entra.setSyncFeatures((await ctx.entra.getTenantSyncState()).tenantId, { [FEATURE_GRAPH_NAME[s.feature]]: s.to });
      return STEP_HANDLERS['entra.setSyncFeature'].outcome(s, ctx);
    },
  },
  'entra.setDeletionThreshold': {
    title: (s) => `set the accidental-deletion threshold to ${s.to}`,
    outcome: (s) => `the accidental-deletion threshold was set to ${s.to}`,
    isDone: async (s, ctx) => {
      const p = (await ctx.entra.getTenantSyncState()).accidentalDeletionPrevention;
      return p?.synchronizationPreventionType === 'enabledForCount' && p.alertThreshold === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setDeletionThreshold((await ctx.entra.getTenantSyncState()).tenantId, s.to);
      return STEP_HANDLERS['entra.setDeletionThreshold'].outcome(s, ctx);
    },
  },
  'ad.move': {
    title: (s) => `move ${s.upn ?? s.dn} to ${s.toOu}`,
    outcome: (s) => `${s.upn ?? s.dn} was moved to ${s.toOu}`,
    isDone: async (s, ctx) => {
      if ((await ctx.directory.getUserByDn(s.dn)) !== null) return false;
      return (await ctx.directory.getUserByDn(`${firstRdn(s.dn)},${s.toOu}`)) !== null;
    },
    run: async (s, ctx) => {
      await mustGetAdUser(ctx.directory, s.dn, s.upn ?? s.dn);
      const to = await ctx.directory.moveUser(s.dn, s.toOu);
      return `${s.upn ?? s.dn} was moved to ${s.toOu} (now ${to})`;
    },
  },
  'ad.modify': {
    title: (s) => `update ${s.changes.map((c) => c.attribute).join(', ')} of ${s.upn ?? s.dn} in AD`,
    outcome: (s) => `${s.upn ?? s.dn} was updated in AD (${s.changes.map((c) => c.attribute).join(', ')})`,
    isDone: async (s, ctx) => {
      const u = await mustGetAdUser(ctx.directory, s.dn, s.upn ?? s.dn);
      return s.changes.every((c) => sameValues(adValues(u, c.attribute), c.to));
    },
    run: async (s, ctx) => {
      await ctx.directory.modifyUser(s.dn, s.changes);
      return STEP_HANDLERS['ad.modify'].outcome(s, ctx);
    },
  },
  'ad.createUser': {
    title: (s) => `create ${s.user.userPrincipalName} in ${s.ou}`,
    outcome: (s, ctx) => `${s.user.userPrincipalName} was created as ${createdUserDn(s)}; its password is the newest line for it in ${ctx.secrets.path ?? 'the secrets file'}`,
    isDone: async (s, ctx) => (await ctx.directory.getUserByDn(createdUserDn(s))) !== null,
    run: async (s, ctx) => {
      const password = ctx.generatePassword();
      // Written before the call so that a crash right after creation cannot lose the password.
      const file = ctx.secrets.write(s.user.userPrincipalName, password);
      // The DN the plan stored, verbatim (the reviewer saw it; isDone and the waits look it up the same way).
      const created = await ctx.directory.createUser(createdUserDn(s), s.user, password);
      return `${s.user.userPrincipalName} was created as ${created.dn}; its password is in ${file}`;
    },
  },
  'sync.await': {
    title: (s) => {
      switch (s.until.kind) {
        case 'userSoftDeleted':
          return `wait for ${s.until.upn} to be soft-deleted by the sync engine`;
        case 'userSynced':
          return `wait for ${s.until.upn} to be synced from AD`;
        case 'tenantSyncDisabled':
          return `wait for directory synchronization of tenant ${s.until.tenantId} to finish turning off`;
      }
    },
    outcome: (s) => waitOutcome(s.until),
    isDone: async (s, ctx) => expectationHolds(ctx, await resolveExpectation(s.until, ctx)),
    run: async (s, ctx) => {
      const exp = await resolveExpectation(s.until, ctx);
      await ctx.waits.wait(ctx.planned.id, exp, s.timeoutS);
      return waitOutcome(exp);
    },
  },
};

/** The handler for a step: one per kind, chosen by the registry (exhaustive by its type). */
export function handlerFor<S extends Step>(step: S): StepHandler<S> {
  return STEP_HANDLERS[step.kind] as unknown as StepHandler<S>;
}
