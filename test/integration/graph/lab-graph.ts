/**
 * Test helpers: a lab tenant served by the Graph emulator on 127.0.0.1, and our real SDK client +
 * GraphEntraAccess pointed at it. No mocks: every call below goes over HTTP.
 */
import { createGraphClient, newGraphTraffic, type GraphTraffic } from '../../../src/graph/client.js';
import { staticTokenAuthProvider } from '../../../src/graph/credentials.js';
import { runBatch, type BatchRequest, type BatchResult } from '../../../src/graph/batch.js';
import { GraphEntraAccess } from '../../../src/graph/entra-access.js';
import { WritePacer, type WriteBudget } from '../../../src/graph/pacer.js';
import { startGraphEmulator, type GraphEmulator } from '../../../src/lab/graph/index.js';
import type { ThrottlingConfig } from '../../../src/lab/graph/throttling.js';
import { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import { emptyLabTenantData } from '../../../src/lab/tenant/empty-tenant.js';
import type { NewLabUser } from '../../../src/lab/tenant/records.js';
import { fakeClock as steppedClock } from '../../helpers/clock.js';
import { guidSequence } from '../../helpers/ids.js';

export const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000001';
export const DOMAIN = 'lab.example.test';

export function newTenant(): LabTenant {
  return new LabTenant(emptyLabTenantData({ tenantId: TENANT_ID, now: '2026-11-01T00:00:00Z', domains: [DOMAIN] }), {
    newId: guidSequence('00000000'),
  });
}

const anchor = (i: number) => Buffer.from(`anchor-${String(i).padStart(9, '0')}`).toString('base64');

/** A user synced from AD now. */
export function syncedUser(i: number, prefix = 'synced'): NewLabUser {
  return {
    userPrincipalName: `${prefix}${i}@${DOMAIN}`,
    displayName: `${prefix} ${i}`,
    mail: `${prefix}${i}@${DOMAIN}`,
    proxyAddresses: [`SMTP:${prefix}${i}@${DOMAIN}`],
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: anchor(i),
    onPremisesDistinguishedName: `CN=${prefix} ${i},OU=Staff,DC=lab,DC=example,DC=test`,
    onPremisesDomainName: 'lab.example.test',
    onPremisesSamAccountName: `${prefix}${i}`,
    onPremisesUserPrincipalName: `${prefix}${i}@${DOMAIN}`,
    onPremisesLastSyncDateTime: '2026-10-31T23:30:00Z',
  };
}

export function cloudUser(i: number, prefix = 'cloud'): NewLabUser {
  return { userPrincipalName: `${prefix}${i}@${DOMAIN}`, displayName: `${prefix} ${i}`, mail: `${prefix}${i}@${DOMAIN}` };
}

export interface Lab {
  tenant: LabTenant;
  emulator: GraphEmulator;
  traffic: GraphTraffic;
  entra: GraphEntraAccess;
  /** Every wait the SDK retry handler and the batch helper asked for (ms), really slept. */
  waits: number[];
  /** Write requests in `$batch`es through `runBatch`, with the access's pacer, sleep and batch counters. */
  batchWrites(requests: readonly BatchRequest[], version?: 'v1.0' | 'beta'): Promise<Map<string, BatchResult>>;
  close(): Promise<void>;
}

export interface LabOptions {
  throttling?: ThrottlingConfig;
  /** Clock for the emulator's throttling windows and our pacer (ms). */
  clock?: { now: () => number; sleep: (ms: number) => Promise<void> };
  budget?: Partial<WriteBudget>;
  retry?: { maxRetries?: number; delaySeconds?: number };
  /** Progress messages of GraphEntraAccess (notes included). */
  onProgress?: (message: string) => void;
}

export async function startLab(tenant: LabTenant, opts: LabOptions = {}): Promise<Lab> {
  const emulator = await startGraphEmulator({
    tenant,
    port: 0,
    ...(opts.throttling ? { throttling: opts.throttling } : {}),
    ...(opts.clock ? { throttleClock: opts.clock.now } : {}),
  });
  const waits: number[] = [];
  const baseSleep = opts.clock?.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const sleep = async (ms: number) => {
    waits.push(ms);
    await baseSleep(ms);
  };
  const traffic = newGraphTraffic({ log: true });
  const client = createGraphClient({
    endpoint: emulator.url,
    authProvider: staticTokenAuthProvider(emulator.token),
    traffic,
    sleep,
    ...(opts.retry ? { retry: opts.retry } : {}),
  });
  const pacer = new WritePacer(opts.budget ?? {}, { sleep, ...(opts.clock ? { now: opts.clock.now } : {}) });
  const entra = new GraphEntraAccess({ client, tenantId: TENANT_ID, pacer, sleep, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
  const batchWrites = (requests: readonly BatchRequest[], version: 'v1.0' | 'beta' = 'v1.0') =>
    runBatch(client, requests, { version, pacer, sleep, stats: entra.stats.batch });
  return { tenant, emulator, traffic, entra, waits, batchWrites, close: () => emulator.close() };
}

/** A clock that moves only when someone sleeps (shared by our pacer and the emulator's throttle). */
export function fakeClock(start = 1_000_000) {
  return steppedClock(start);
}
