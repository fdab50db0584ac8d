import type { DirectoryAccess } from '../model/directory.js';
import type { EntraAccess } from '../model/entra.js';
import type { AdUser, SourceAnchorAttribute } from '../model/observed.js';
import { FEATURE_GRAPH_NAME } from '../model/desired.js';
import { sameValues, type Expectation, type PlannedStep, type Step, type StepKind } from '../model/index.js';
import { anchorOf } from '../identity/join.js';
import { stepOutcome, type StepOf } from '../steps/index.js';
import { adValues } from '../steps/ad-values.js';
import { movedDn } from '../steps/ad-move.js';
import { expectationWords } from '../steps/expectation.js';
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
  /**
   * The step's new password, generated and written to the secrets file (before any call, so a crash
   * cannot lose it) the first time it is asked for, and the same one for every later attempt of the
   * step in this run: a write retried after its answer was lost sets the password already recorded,
   * and the file holds one line per user and run.
   */
  newPassword: (upn: string) => { password: string; file: string };
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
 * How apply performs one kind of step (the I/O; what the step means, its title and outcome sentence are
 * in its registry entry, src/steps). `isDone` checks the postcondition by re-reading the object
 * (idempotency: a step already in effect is recorded "skipped (already done)"); `run` performs it and
 * returns the sentence that says it was done.
 */
export interface StepHandler<S extends Step> {
  isDone(step: S, ctx: StepContext): Promise<boolean>;
  run(step: S, ctx: StepContext): Promise<string>;
  /** False when `isDone` cannot tell this attempt's effect (then a lost answer is not retried). Default true. */
  checkable?(step: S, ctx: StepContext): boolean;
  /** Read before the write and journaled with it (see StepContext.evidence). */
  evidence?(step: S, ctx: StepContext): Promise<StepEvidence>;
}

type Registry = { [K in StepKind]: StepHandler<StepOf<K>> };

/** The sentence that says a step is in effect (its registry entry's), with where this apply writes passwords. */
function done(s: Step, ctx: StepContext): string {
  return stepOutcome(s, { secretsFile: ctx.secrets.path });
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
      const created = await ctx.directory.getUserByDn(dep.step.dn);
      if (!created) {
        throw new StepFailure(`cannot wait for ${exp.upn} to be synced: the AD user ${dep.step.dn} that step ${dep.id} created is gone: run plan again`);
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

export const STEP_HANDLERS: Registry = {
  'entra.setCloudManaged': {
    isDone: async (s, ctx) => {
      const u = await ctx.entra.getUser(s.userId);
      return u !== null && u.isCloudManaged === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setUserCloudManaged(s.userId, s.to);
      return done(s, ctx);
    },
  },
  'entra.setGroupCloudManaged': {
    isDone: async (s, ctx) => {
      const g = await ctx.entra.getGroup(s.groupId);
      return g !== null && g.isCloudManaged === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setGroupCloudManaged(s.groupId, s.to);
      return done(s, ctx);
    },
  },
  'entra.setImmutableId': {
    isDone: async (s, ctx) => {
      const u = await ctx.entra.getUser(s.userId);
      return u !== null && u.onPremisesImmutableId === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setImmutableId(s.userId, s.to);
      return done(s, ctx);
    },
  },
  'entra.clearOnPremisesAttributes': {
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
      return done(s, ctx);
    },
  },
  'entra.restoreDeleted': {
    // Restored = active again. A restore retried after its first answer was lost gets 404 (the deleted item
    // is gone because the first one worked): the executor then reads this postcondition (outcome.ts).
    isDone: async (s, ctx) => (await ctx.entra.getUser(s.deletedId)) !== null,
    run: async (s, ctx) => {
      await ctx.entra.restoreDeletedUser(s.deletedId);
      return done(s, ctx);
    },
  },
  'entra.resetPassword': {
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
      const { password, file } = ctx.newPassword(s.upn);
      await ctx.entra.resetPassword(s.userId, password, s.forceChangeAtNextSignIn);
      return `the password of ${s.upn} was reset${ctx.resumed ? ' again (the earlier attempt was interrupted; use the newest line)' : ''}; the new password is in ${file}`;
    },
  },
  'entra.setTenantSync': {
    isDone: async (s, ctx) => {
      const t = await ctx.entra.getTenantSyncState();
      return s.enabled ? t.onPremisesSyncEnabled === true && !t.disablePending : t.onPremisesSyncEnabled !== true || t.disablePending;
    },
    run: async (s, ctx) => {
      await ctx.entra.setTenantSyncEnabled(s.tenantId, s.enabled);
      return done(s, ctx);
    },
  },
  'entra.setSyncFeature': {
    isDone: async (s, ctx) => (await ctx.entra.getTenantSyncState()).features?.[FEATURE_GRAPH_NAME[s.feature]] === s.to,
    run: async (s, ctx) => {
      await ctx.entra.setSyncFeatures((await ctx.entra.getTenantSyncState()).tenantId, { [FEATURE_GRAPH_NAME[s.feature]]: s.to });
      return done(s, ctx);
    },
  },
  'entra.setDeletionThreshold': {
    isDone: async (s, ctx) => {
      const p = (await ctx.entra.getTenantSyncState()).accidentalDeletionPrevention;
      return p?.synchronizationPreventionType === 'enabledForCount' && p.alertThreshold === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setDeletionThreshold((await ctx.entra.getTenantSyncState()).tenantId, s.to);
      return done(s, ctx);
    },
  },
  'ad.move': {
    isDone: async (s, ctx) => {
      if ((await ctx.directory.getUserByDn(s.dn)) !== null) return false;
      return (await ctx.directory.getUserByDn(movedDn(s))) !== null;
    },
    run: async (s, ctx) => {
      await mustGetAdUser(ctx.directory, s.dn, s.upn ?? s.dn);
      await ctx.directory.moveUser(s.dn, s.toOu);
      // The DN the plan showed (the directory may write the same DN with other escapes).
      return `${done(s, ctx)} (now ${movedDn(s)})`;
    },
  },
  'ad.modify': {
    isDone: async (s, ctx) => {
      const u = await mustGetAdUser(ctx.directory, s.dn, s.upn ?? s.dn);
      return s.changes.every((c) => sameValues(adValues(u, c.attribute), c.to));
    },
    run: async (s, ctx) => {
      await ctx.directory.modifyUser(s.dn, s.changes);
      return done(s, ctx);
    },
  },
  'ad.createUser': {
    isDone: async (s, ctx) => (await ctx.directory.getUserByDn(s.dn)) !== null,
    run: async (s, ctx) => {
      const { password, file } = ctx.newPassword(s.user.userPrincipalName);
      // The DN the plan stored, verbatim (the reviewer saw it; isDone and the waits look it up the same way).
      await ctx.directory.createUser(s.dn, s.user, password);
      return `${s.user.userPrincipalName} was created as ${s.dn}; its password is in ${file}`;
    },
  },
  'sync.await': {
    isDone: async (s, ctx) => expectationHolds(ctx, await resolveExpectation(s.until, ctx)),
    run: async (s, ctx) => {
      const exp = await resolveExpectation(s.until, ctx);
      await ctx.waits.wait(ctx.planned.id, exp, s.timeoutS);
      return expectationWords(exp).outcome(exp);
    },
  },
};

/** The handler for a step: one per kind, chosen by the registry (exhaustive by its type). */
export function handlerFor<S extends Step>(step: S): StepHandler<S> {
  return STEP_HANDLERS[step.kind] as unknown as StepHandler<S>;
}
