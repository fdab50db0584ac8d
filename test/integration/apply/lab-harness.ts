/**
 * The executor against the lab: the Graph emulator over HTTP through the real SDK client
 * (GraphEntraAccess), the lab's in-memory AD (or any DirectoryAccess), the lab's sync-cycle simulator as
 * the sync trigger, and plans made by the real planner from a manifest text.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { applyPlan, type ApplyInput } from '../../../src/apply/executor.js';
import type { ApplyEvent } from '../../../src/model/apply-report.js';
import { memoryJournal, openJournal, type Journal } from '../../../src/apply/journal.js';
import { planDigest } from '../../../src/apply/plan-digest.js';
import type { ApplyReport } from '../../../src/model/apply-report.js';
import { fileSecretSink, type SecretSink } from '../../../src/apply/secrets.js';
import { generatePassword } from '../../../src/ad/password.js';
import { createGraphClient } from '../../../src/graph/client.js';
import { StaticTokenCredential, authProviderFor } from '../../../src/graph/credentials.js';
import { GraphEntraAccess } from '../../../src/graph/entra-access.js';
import { startLab, type Lab, type StartLabOptions } from '../../../src/lab/in-process-lab.js';
import type { DesiredState } from '../../../src/model/desired.js';
import type { Plan } from '../../../src/model/plan.js';
import { observeLive } from '../../../src/observe/live.js';
import { buildPlan } from '../../../src/plan/index.js';
import { LAB_TENANT_ID, labManifest, loadDesired } from '../../helpers/lab-manifest.js';

export interface LabHarness {
  lab: Lab;
  entra: GraphEntraAccess;
  dir: string;
  secretsDir: string;
  /** The real planner over the lab as it is now; `targets` as `plan --target`. */
  plan(desired: DesiredState, targets?: string[]): Promise<Plan>;
  /** Run applyPlan with lab defaults (lab-clock sleep, lab-clock now, lab sync cycle as trigger). */
  apply(plan: Plan, desired: DesiredState, over?: Partial<ApplyInput>): Promise<{ report: ApplyReport; events: ApplyEvent[] }>;
  journalAt(path: string, plan: Plan): Journal;
  setFaults(body: unknown): Promise<void>;
  close(): Promise<void>;
}

export async function startLabHarness(opts: StartLabOptions = {}): Promise<LabHarness> {
  const lab = await startLab(opts);
  const client = createGraphClient({
    endpoint: lab.graphUrl,
    authProvider: authProviderFor(new StaticTokenCredential(lab.token), lab.graphUrl),
    retry: { maxRetries: 0 },
  });
  const entra = new GraphEntraAccess({ client, tenantId: LAB_TENANT_ID });
  const dir = mkdtempSync(join(tmpdir(), 'entra-soa-apply-'));
  const secretsDir = join(dir, 'secrets');
  const labNow = () => new Date(lab.tenant.nowIso());
  return {
    lab,
    entra,
    dir,
    secretsDir,
    async plan(desired, targets) {
      const observed = await observeLive({ entra, directory: lab.directory });
      return buildPlan({ desired, observed, createdAt: labNow().toISOString(), tool: { name: 'entra-soa', version: 'test' }, source: 'lab', ...(targets ? { targets } : {}) });
    },
    async apply(plan, desired, over = {}) {
      const events: ApplyEvent[] = [];
      const secrets: SecretSink = fileSecretSink(secretsDir, labNow);
      try {
        const report = await applyPlan({
          plan,
          entra,
          directory: lab.directory,
          observe: () => observeLive({ entra, directory: lab.directory }),
          desired,
          tool: { name: 'entra-soa', version: 'test' },
          journal: memoryJournal(),
          allow: desired.allow,
          concurrency: 4,
          triggerSync: async () => {
            await lab.runSyncCycle();
          },
          pollIntervalS: desired.sync.pollIntervalS,
          secrets,
          generatePassword: () => generatePassword(),
          // Waiting moves the lab clock (scheduled cycles and a pending disable happen on the way).
          sleep: async (ms) => {
            await lab.advanceClock(ms / 1000);
          },
          now: labNow,
          onEvent: (e) => events.push(e),
          ...over,
        });
        return { report, events };
      } finally {
        secrets.close();
      }
    },
    journalAt(path, plan) {
      return openJournal(path, planDigest(plan));
    },
    async setFaults(body) {
      const res = await fetch(`${lab.graphUrl}/_lab/faults`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lab.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`POST /_lab/faults answered ${res.status}: ${await res.text()}`);
    },
    async close() {
      await lab.close();
    },
  };
}

/**
 * A fresh lab harness for every test of the calling file (started in beforeEach, closed in afterEach).
 * The object returned stands for the current test's harness.
 */
export function labHarnessPerTest(opts: StartLabOptions = {}): LabHarness {
  let current: LabHarness | undefined;
  beforeEach(async () => {
    current = await startLabHarness(opts);
  });
  afterEach(async () => {
    const h = current;
    current = undefined;
    await h?.close();
  });
  const now = (): LabHarness => {
    if (!current) throw new Error('the lab harness exists only while a test runs');
    return current;
  };
  return {
    get lab() {
      return now().lab;
    },
    get entra() {
      return now().entra;
    },
    get dir() {
      return now().dir;
    },
    get secretsDir() {
      return now().secretsDir;
    },
    plan: (desired, targets) => now().plan(desired, targets),
    apply: (plan, desired, over) => now().apply(plan, desired, over),
    journalAt: (path, plan) => now().journalAt(path, plan),
    setFaults: (body) => now().setFaults(body),
    close: () => now().close(),
  };
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/**
 * Apply options that interrupt the run (Ctrl-C) in its first sync wait: no trigger, so the wait sleeps,
 * and the sleep aborts. An interrupted sleep never ends by itself.
 */
export function interruptedInFirstWait(): Pick<ApplyInput, 'triggerSync' | 'signal' | 'sleep'> {
  const controller = new AbortController();
  return {
    triggerSync: undefined,
    signal: controller.signal,
    sleep: async () => {
      controller.abort();
      await new Promise(() => undefined);
    },
  };
}

/** The sample company's ella.young moved to the cloud by scope removal; `allow` grants the disruptive consent. */
export function ellaScopeRemoval(allow = true): DesiredState {
  return loadDesired(
    labManifest(`users:
  - name: ella-scope-removal
    select: { upn: ella.young@lab.example.test }
    authority: cloud
    method: scopeRemoval
${allow ? 'allow:\n  disruptive: true' : ''}`),
  );
}
