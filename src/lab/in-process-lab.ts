/**
 * The lab in one process: the lab tenant behind the Graph emulator on 127.0.0.1, an AD (the
 * seed's in-memory directory, or any `DirectoryAccess` such as Samba through src/ad), the
 * sync-cycle simulator standing in for Entra Connect, and the admin endpoints. `plan --lab`,
 * `apply --lab` and `lab up` all start one of these.
 *
 * Sync cycles run when asked (`runSyncCycle`, `POST /_lab/sync-cycle`), on the lab schedule when
 * the lab clock advances past it (every `syncIntervalMinutes` lab minutes, like Connect's 30-minute
 * scheduler), and optionally on a real-time interval (`syncEverySeconds`, `lab up --sync-every`).
 * Cycles and clock moves are serialised: one at a time, in request order.
 */
import type { DirectoryAccess } from '../model/directory.js';
import { startGraphEmulator } from './graph/index.js';
import type { EmulatorStats, GraphEmulator } from './graph/index.js';
import type { LabIdentity } from './identities.js';
import type { LabTenant } from './tenant/lab-tenant.js';
import type { MemoryDirectory, SeededRandom } from './memory-directory.js';
import type { LabSeed, LabSyncConfig } from './seed.js';
import { DEFAULT_SEED_PATH, loadSeed } from './seed.js';
import { runSyncCycle } from './sync-cycle.js';
import type { SyncCycleReport } from './sync-report.js';
import type { LabAdminTarget, LabClockAdvance } from './admin-routes.js';
import { createLabAdminHandler } from './admin-routes.js';
import type { LabStateDocument } from './lab-state-store.js';
import { loadLabState, lockLabState, saveLabState } from './lab-state-store.js';

/** How to start a lab. */
export interface StartLabOptions {
  /** Seed file; default the sample company (examples/lab/sample-company.json in the package). */
  seedPath?: string;
  /**
   * Folder to keep the lab's state in between runs: loaded on start when present, saved by `save()` /
   * `close()` when something changed (a run that changes nothing, such as `plan --lab`, leaves the
   * file as it was).
   */
  stateDir?: string;
  /** Port of the Graph emulator on 127.0.0.1; default 0 (any free port). */
  port?: number;
  /** An AD to use instead of the seed's in-memory one (e.g. Samba through src/ad). Closed by `close()`. */
  ad?: DirectoryAccess;
  /** Override parts of the seed's sync settings (scope, anchor, schedule). */
  syncConfig?: Partial<LabSyncConfig>;
  /** Real-time interval between automatic cycles in seconds (`lab up --sync-every 30s`); off when absent or 0. */
  syncEverySeconds?: number;
  /** The identities the lab issues tokens for (default: src/lab/identities.ts `defaultLabIdentities()`). */
  identities?: LabIdentity[];
  /** Called after every cycle (scheduled, triggered or real-time). */
  onSyncCycle?: (report: SyncCycleReport) => void;
  /** Called when a real-time cycle fails (it never throws out of the timer). Default: ignored. */
  onError?: (error: unknown) => void;
  /** When the lab starts, unless the seed pins its clock (`LabSeed.pinClock`). Default: now (the wall clock). */
  now?: Date;
}

/** A running lab. */
export interface Lab {
  /** `http://127.0.0.1:<port>`: the Graph SDK's baseUrl (paths /v1.0/..., /beta/...). */
  graphUrl: string;
  /** The default identity's bearer token: a signed-in Global Administrator (`tokens['global-admin']`). */
  token: string;
  /** Every identity's token by name: `application`, `global-admin`, `hybrid-admin`, `global-reader`. */
  tokens: Readonly<Record<string, string>>;
  /** Who each token is (name, kind, description, permissions, roles). */
  identities: readonly LabIdentity[];
  tenant: LabTenant;
  directory: DirectoryAccess;
  /** The in-memory AD, when the lab uses it (null with an external AD). */
  memoryDirectory: MemoryDirectory | null;
  syncConfig: LabSyncConfig;
  /** The seed the lab was started from. */
  seedPath: string;
  /** Where the state is kept, if anywhere. */
  stateDir: string | null;
  /** True when the state was loaded from `stateDir` rather than the seed. */
  resumed: boolean;
  /** Sync cycles run since the lab started from its seed (kept in the state folder; `reset` sets it to 0). */
  readonly syncCycleCount: number;
  /** One Entra Connect cycle now. */
  runSyncCycle(): Promise<SyncCycleReport>;
  /**
   * What a sync wait in `apply --lab` triggers instead of waiting for Connect's schedule: when a
   * tenant-wide disable is pending, the lab clock first moves to its completion (up to 72 lab
   * hours; scheduled cycles on the way do nothing while it is pending); then one cycle runs.
   */
  triggerSync(): Promise<SyncCycleReport>;
  /** Move the lab clock; scheduled cycles (and a pending tenant disable) happen on the way. */
  advanceClock(seconds: number): Promise<LabClockAdvance>;
  /** The whole state as JSON (what `GET /_lab/state` answers). */
  state(): Promise<Record<string, unknown>>;
  /** Back to the seed (tenant, in-memory AD, clock); an external AD is left as it is. */
  reset(): Promise<{ now: string }>;
  /**
   * Write the state to `stateDir` when it changed since it was loaded or last saved (no-op without
   * a state folder, or when nothing changed: the file is left untouched).
   */
  save(): Promise<void>;
  /** The Graph emulator's counters (requests, throttled, faulted by kind). */
  graphStats(): EmulatorStats;
  /** Stop timers and the emulator, save (with `stateDir`), close the AD. */
  close(): Promise<void>;
}

/** Start a lab (see the module comment). */
export async function startLab(opts: StartLabOptions = {}): Promise<Lab> {
  const seedPath = opts.seedPath ?? DEFAULT_SEED_PATH;
  const loaded = await loadSeed(seedPath, { now: opts.now ?? new Date() });
  const seed: LabSeed = loaded.seed;
  const random: SeededRandom = loaded.random;
  const tenant: LabTenant = loaded.tenant;
  const memory: MemoryDirectory | null = opts.ad ? null : loaded.directory;
  const directory: DirectoryAccess = opts.ad ?? loaded.directory;
  let syncConfig: LabSyncConfig = { ...loaded.syncConfig, ...opts.syncConfig };
  let lastCycleAt: number = Date.parse(tenant.getOrganization().onPremisesLastSyncDateTime ?? tenant.nowIso());

  let cycleCount = 0;
  let resumed = false;
  /** What the state file holds, as `persistedKey()` puts it; null = no file yet (or unknown). */
  let savedKey: string | null = null;
  // Everything the state document holds, by revision: equal keys, equal documents (but savedAt).
  const persistedKey = (config: LabSyncConfig = syncConfig): string =>
    JSON.stringify([tenant.revision(), memory?.revision() ?? null, random.state, cycleCount, lastCycleAt, config]);
  const unlock = opts.stateDir ? await lockLabState(opts.stateDir) : async () => undefined;
  if (opts.stateDir) {
    const saved = await loadLabState(opts.stateDir).catch(async (e: unknown) => {
      await unlock();
      throw e;
    });
    if (saved) {
      // parsed for this lab alone: the tenant takes it over instead of copying 100,000 users
      tenant.adopt(saved.tenant);
      random.reseed(saved.randomState);
      if (memory && saved.directory) memory.resetFrom(saved.directory);
      syncConfig = { ...saved.syncConfig, ...opts.syncConfig };
      lastCycleAt = saved.lastSyncCycleAt ? Date.parse(saved.lastSyncCycleAt) : Date.parse(tenant.nowIso());
      cycleCount = saved.syncCycleCount ?? 0;
      resumed = true;
      // the file's own sync settings: settings given to this start differ from it, and are saved
      savedKey = persistedKey(saved.syncConfig);
    }
  }

  // ---- serialised operations ----
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(op: () => Promise<T>): Promise<T> => {
    const run = chain.then(op, op);
    chain = run.catch(() => undefined);
    return run;
  };

  const cycleNow = async (): Promise<SyncCycleReport> => {
    const report = await runSyncCycle({ directory, tenant, config: syncConfig });
    report.cycle = ++cycleCount;
    lastCycleAt = Date.parse(tenant.nowIso());
    opts.onSyncCycle?.(report);
    return report;
  };

  const advance = async (seconds: number): Promise<LabClockAdvance> => {
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`the lab clock only moves forward; got ${seconds} seconds`);
    const start = Date.parse(tenant.nowIso());
    const target = start + Math.round(seconds * 1000);
    const intervalMs = Math.max(0, syncConfig.syncIntervalMinutes) * 60_000;
    const cycles: SyncCycleReport[] = [];
    const purged: string[] = [];
    let disableCompleted = false;
    const moveTo = (t: number) => {
      const now = Date.parse(tenant.nowIso());
      if (t <= now) return;
      const r = tenant.advanceClock((t - now) / 1000);
      disableCompleted ||= r.disableCompleted;
      purged.push(...r.purgedUserIds);
    };
    if (intervalMs > 0 && target > start) {
      for (;;) {
        const next = Math.max(lastCycleAt + intervalMs, Date.parse(tenant.nowIso()));
        if (next > target) break;
        moveTo(next);
        cycles.push(await cycleNow());
        lastCycleAt = next;
        if (next === target) break;
      }
    }
    moveTo(target);
    return { now: tenant.nowIso(), advancedSeconds: (target - start) / 1000, disableCompleted, purgedUserIds: purged, syncCycles: cycles };
  };

  const stateDocument = (): LabStateDocument => ({
    kind: 'entra-soa/lab-state',
    formatVersion: 1,
    savedAt: new Date().toISOString(),
    seedPath,
    randomState: random.state,
    syncConfig,
    lastSyncCycleAt: new Date(lastCycleAt).toISOString(),
    syncCycleCount: cycleCount,
    // not copied: saveLabState serialises it at once
    tenant: tenant.view(),
    directory: memory ? memory.toJSON() : null,
  });

  const save = async (): Promise<void> => {
    if (!opts.stateDir) return;
    const key = persistedKey();
    if (key === savedKey) return;
    await saveLabState(opts.stateDir, stateDocument());
    savedKey = key;
  };

  const state = async (): Promise<Record<string, unknown>> => {
    const t = tenant.toJSON();
    const [adUsers, ous] = await Promise.all([directory.listUsers(), directory.listOrganizationalUnits()]);
    const intervalMs = syncConfig.syncIntervalMinutes * 60_000;
    return {
      now: t.now,
      seed: { name: seed.name, path: seedPath },
      tenant: {
        id: t.organization.id,
        displayName: t.organization.displayName,
        onPremisesSyncEnabled: t.organization.onPremisesSyncEnabled,
        onPremisesLastSyncDateTime: t.organization.onPremisesLastSyncDateTime,
        pendingDisable: t.organization.pendingDisable,
        verifiedDomains: t.organization.verifiedDomains,
        features: t.onPremisesSynchronization.features,
        accidentalDeletionPrevention: t.onPremisesSynchronization.configuration.accidentalDeletionPrevention,
      },
      users: t.users,
      deletedUsers: t.deletedUsers,
      groups: t.groups,
      directoryRoles: t.directoryRoles,
      provisioningErrors: t.provisioningErrors,
      ad: {
        kind: memory ? 'memory' : 'external',
        baseDn: directory.baseDn,
        organizationalUnits: ous.map((o) => o.dn),
        users: adUsers,
      },
      sync: {
        ...syncConfig,
        cycles: cycleCount,
        lastCycleAt: new Date(lastCycleAt).toISOString(),
        nextScheduledCycleAt: intervalMs > 0 ? new Date(Math.max(lastCycleAt + intervalMs, Date.parse(t.now))).toISOString() : null,
      },
    };
  };

  const reset = async (): Promise<{ now: string }> => {
    tenant.reset(seed.tenant);
    random.reseed(seed.randomSeed);
    if (memory) memory.resetFrom(seed.directory);
    syncConfig = { ...seed.syncConfig, ...opts.syncConfig };
    lastCycleAt = Date.parse(tenant.getOrganization().onPremisesLastSyncDateTime ?? tenant.nowIso());
    cycleCount = 0;
    return { now: tenant.nowIso() };
  };

  const afterChange = async <T>(v: T): Promise<T> => {
    await save();
    return v;
  };

  const admin: LabAdminTarget = {
    runSyncCycle: () => serial(() => cycleNow().then(afterChange)),
    advanceClock: (s) => serial(() => advance(s).then(afterChange)),
    state: () => serial(state),
    reset: () => serial(() => reset().then(afterChange)),
    now: () => tenant.nowIso(),
  };

  let emulator: GraphEmulator;
  try {
    emulator = await startGraphEmulator({
      tenant,
      port: opts.port ?? 0,
      adminHandler: createLabAdminHandler(admin),
      ...(opts.identities ? { identities: opts.identities } : {}),
    });
  } catch (e) {
    await directory.close();
    await unlock();
    throw e;
  }

  let timer: NodeJS.Timeout | null = null;
  if (opts.syncEverySeconds && opts.syncEverySeconds > 0) {
    timer = setInterval(() => {
      admin.runSyncCycle().catch((e: unknown) => opts.onError?.(e));
    }, opts.syncEverySeconds * 1000);
  }

  let closed = false;
  return {
    graphUrl: emulator.url,
    token: emulator.token,
    tokens: emulator.tokens,
    identities: emulator.identities,
    tenant,
    directory,
    memoryDirectory: memory,
    get syncConfig() {
      return syncConfig;
    },
    seedPath,
    stateDir: opts.stateDir ?? null,
    resumed,
    get syncCycleCount() {
      return cycleCount;
    },
    runSyncCycle: () => serial(cycleNow),
    triggerSync: () =>
      serial(async () => {
        const pending = tenant.getOrganization().pendingDisable;
        if (pending) {
          const wait = (Date.parse(pending.completesAt) - Date.parse(tenant.nowIso())) / 1000;
          if (wait > 0) await advance(wait);
        }
        return cycleNow();
      }),
    advanceClock: (s) => serial(() => advance(s)),
    state: () => serial(state),
    reset: () => serial(reset),
    save: () => serial(save),
    graphStats: () => emulator.stats(),
    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await serial(async () => {
        try {
          await emulator.close();
          await save();
          await directory.close();
        } finally {
          await unlock();
        }
      });
    },
  };
}
