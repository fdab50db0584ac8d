import { guidToImmutableId, isGuid } from '../model/anchor.js';
import type { DirectoryAccess } from '../model/directory.js';
import { firstRdn } from '../model/dn.js';
import type { EntraAccess } from '../model/entra.js';
import type { AdUser, SourceAnchorAttribute } from '../model/observed.js';
import { FEATURE_GRAPH_NAME } from '../model/desired.js';
import type { AttrChange, Expectation, Plan, PlannedStep, Step, StepKind } from '../model/index.js';
import { StepFailure } from './errors.js';
import type { SecretSink } from './secrets.js';
import { checkExpectation, waitForExpectation, type SyncWaitSettings } from './sync-wait.js';

/** Everything a step handler may use. */
export interface StepContext {
  entra: EntraAccess;
  directory: DirectoryAccess;
  plan: Plan;
  planned: PlannedStep;
  sourceAnchor: SourceAnchorAttribute;
  secrets: SecretSink;
  generatePassword: () => string;
  /** True when an earlier run recorded this step as started without an outcome. */
  resumed: boolean;
  sync: SyncWaitSettings;
}

/**
 * How apply performs one kind of step. `isDone` checks the postcondition by re-reading the object
 * (idempotency: a step already in effect is recorded "skipped (already done)"); `run` performs it and
 * returns the sentence that says it was done.
 */
export interface StepHandler<S extends Step> {
  /** Imperative, for progress and failures: "convert alice@contoso.com to cloud authority". */
  title(step: S): string;
  isDone(step: S, ctx: StepContext): Promise<boolean>;
  run(step: S, ctx: StepContext): Promise<string>;
}

type Registry = { [K in StepKind]: StepHandler<Extract<Step, { kind: K }>> };

/** The DN of the user a createUser step creates: derived once by the planner and stored in the step. */
export function createdUserDn(step: Extract<Step, { kind: 'ad.createUser' }>): string {
  return step.dn;
}

/** The immutable id Entra Connect derives from this AD user with the given source anchor. */
export function anchorOf(user: AdUser, sourceAnchor: SourceAnchorAttribute): string {
  // Connect writes objectGUID into an empty mS-DS-ConsistencyGuid on first sync, so the anchor is the same.
  const guid =
    sourceAnchor === 'mS-DS-ConsistencyGuid' && user.consistencyGuid !== null && isGuid(user.consistencyGuid) ? user.consistencyGuid : user.objectGuid;
  return guidToImmutableId(guid);
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

/** Same values regardless of order (proxyAddresses are a set; the SMTP:/smtp: prefix case matters). */
export function sameValues(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort();
  const y = [...b].sort();
  return x.every((v, i) => v === y[i]);
}

async function mustGetAdUser(directory: DirectoryAccess, dn: string, who: string): Promise<AdUser> {
  const u = await directory.getUserByDn(dn);
  if (!u) throw new StepFailure(`${who} (${dn}) no longer exists in AD: run plan again`);
  return u;
}

/** For a userSynced wait whose immutable id was not known at plan time: the anchor of the AD user the plan creates. */
async function resolveExpectation(exp: Expectation, ctx: StepContext): Promise<Expectation> {
  if (exp.kind !== 'userSynced' || exp.immutableId !== '') return exp;
  const byId = new Map(ctx.plan.steps.map((s) => [s.id, s]));
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

export const STEP_HANDLERS: Registry = {
  'entra.setCloudManaged': {
    title: (s) => (s.to ? `convert ${s.upn} to cloud authority` : `hand ${s.upn} back to on-premises authority`),
    isDone: async (s, ctx) => {
      const u = await ctx.entra.getUser(s.userId);
      return u !== null && u.isCloudManaged === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setUserCloudManaged(s.userId, s.to);
      return s.to ? `${s.upn} was converted to cloud authority` : `${s.upn} was handed back to on-premises authority`;
    },
  },
  'entra.setGroupCloudManaged': {
    title: (s) => (s.to ? `convert group ${s.displayName} to cloud authority` : `hand group ${s.displayName} back to on-premises authority`),
    isDone: async (s, ctx) => {
      const g = await ctx.entra.getGroup(s.groupId);
      return g !== null && g.isCloudManaged === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setGroupCloudManaged(s.groupId, s.to);
      return s.to ? `group ${s.displayName} was converted to cloud authority` : `group ${s.displayName} was handed back to on-premises authority`;
    },
  },
  'entra.setImmutableId': {
    title: (s) => (s.to === null ? `clear the immutable id of ${s.upn}` : `set the immutable id of ${s.upn} to ${s.to}`),
    isDone: async (s, ctx) => {
      const u = await ctx.entra.getUser(s.userId);
      return u !== null && u.onPremisesImmutableId === s.to;
    },
    run: async (s, ctx) => {
      await ctx.entra.setImmutableId(s.userId, s.to);
      return s.to === null ? `the immutable id of ${s.upn} was cleared` : `${s.upn} was linked to AD by immutable id ${s.to}`;
    },
  },
  'entra.clearOnPremisesAttributes': {
    title: (s) => `clear the on-premises attributes of ${s.upn} (${Object.keys(s.attributes).join(', ')})`,
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
      const attrs = Object.keys(s.attributes);
      await ctx.entra.clearOnPremisesAttributes(s.userId, attrs);
      return `the on-premises attributes of ${s.upn} were cleared (${attrs.join(', ')})`;
    },
  },
  'entra.restoreDeleted': {
    title: (s) => `restore ${s.upn} from deleted users`,
    isDone: async (s, ctx) => (await ctx.entra.getUser(s.deletedId)) !== null,
    run: async (s, ctx) => {
      await ctx.entra.restoreDeletedUser(s.deletedId);
      return `${s.upn} was restored from deleted users`;
    },
  },
  'entra.resetPassword': {
    title: (s) => `reset the password of ${s.upn}`,
    // No postcondition can be read back: a password reset recorded done in the journal is never repeated;
    // one whose outcome was lost is done again (the newest line in the secrets file is the valid one).
    isDone: async () => false,
    run: async (s, ctx) => {
      const password = ctx.generatePassword();
      const file = ctx.secrets.write(s.upn, password);
      await ctx.entra.resetPassword(s.userId, password, s.forceChangeAtNextSignIn);
      return `the password of ${s.upn} was reset${ctx.resumed ? ' again (the earlier attempt was interrupted; use the newest line)' : ''}; the new password is in ${file}`;
    },
  },
  'entra.setTenantSync': {
    title: (s) => (s.enabled ? `turn on directory synchronization for tenant ${s.tenantId}` : `turn off directory synchronization for tenant ${s.tenantId}`),
    isDone: async (s, ctx) => {
      const t = await ctx.entra.getTenantSyncState();
      return s.enabled ? t.onPremisesSyncEnabled === true && !t.disablePending : t.onPremisesSyncEnabled !== true || t.disablePending;
    },
    run: async (s, ctx) => {
      await ctx.entra.setTenantSyncEnabled(s.tenantId, s.enabled);
      return s.enabled
        ? `directory synchronization was turned on for tenant ${s.tenantId}`
        : `directory synchronization was turned off for tenant ${s.tenantId} (Entra completes this within 72 h; it cannot be cancelled)`;
    },
  },
  'entra.setSyncFeature': {
    title: (s) => `set the sync feature ${s.feature} to ${String(s.to)}`,
    isDone: async (s, ctx) => (await ctx.entra.getTenantSyncState()).features?.[FEATURE_GRAPH_NAME[s.feature]] === s.to,
    run: async (s, ctx) => {
      const t = await ctx.entra.getTenantSyncState();
      await ctx.entra.setSyncFeatures(t.tenantId, { [FEATURE_GRAPH_NAME[s.feature]]: s.to });
      return `the sync feature ${s.feature} was set to ${String(s.to)}`;
    },
  },
  'entra.setDeletionThreshold': {
    title: (s) => `set the accidental-deletion threshold to ${s.to}`,
    isDone: async (s, ctx) => {
      const p = (await ctx.entra.getTenantSyncState()).accidentalDeletionPrevention;
      return p?.synchronizationPreventionType === 'enabledForCount' && p.alertThreshold === s.to;
    },
    run: async (s, ctx) => {
      const t = await ctx.entra.getTenantSyncState();
      await ctx.entra.setDeletionThreshold(t.tenantId, s.to);
      return `the accidental-deletion threshold was set to ${s.to}`;
    },
  },
  'ad.move': {
    title: (s) => `move ${s.upn ?? s.dn} to ${s.toOu}`,
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
    isDone: async (s, ctx) => {
      const u = await mustGetAdUser(ctx.directory, s.dn, s.upn ?? s.dn);
      return s.changes.every((c) => sameValues(adValues(u, c.attribute), c.to));
    },
    run: async (s, ctx) => {
      await ctx.directory.modifyUser(s.dn, s.changes);
      return `${s.upn ?? s.dn} was updated in AD (${s.changes.map((c) => c.attribute).join(', ')})`;
    },
  },
  'ad.createUser': {
    title: (s) => `create ${s.user.userPrincipalName} in ${s.ou}`,
    isDone: async (s, ctx) => (await ctx.directory.getUserByDn(createdUserDn(s))) !== null,
    run: async (s, ctx) => {
      const password = ctx.generatePassword();
      // Written before the call so that a crash right after creation cannot lose the password.
      const file = ctx.secrets.write(s.user.userPrincipalName, password);
      const created = await ctx.directory.createUser(s.ou, s.user, password);
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
    isDone: async (s, ctx) => expectationHolds(ctx, await resolveExpectation(s.until, ctx)),
    run: async (s, ctx) => {
      const exp = await resolveExpectation(s.until, ctx);
      await waitForExpectation({ entra: ctx.entra, expectation: exp, timeoutS: s.timeoutS, ...ctx.sync });
      switch (exp.kind) {
        case 'userSoftDeleted':
          return `${exp.upn} was soft-deleted by the sync engine`;
        case 'userSynced':
          return `${exp.upn} is synced from AD with immutable id ${exp.immutableId || '(set by the sync engine)'}`;
        case 'tenantSyncDisabled':
          return `directory synchronization of tenant ${exp.tenantId} has finished turning off`;
      }
    },
  },
};

/** The handler for a step: one per kind, chosen by the registry (exhaustive by its type). */
export function handlerFor<S extends Step>(step: S): StepHandler<S> {
  return STEP_HANDLERS[step.kind] as unknown as StepHandler<S>;
}
