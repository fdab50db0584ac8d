/**
 * Shared set-up for the emulator tests: a seeded LabTenant, the emulator on an ephemeral port, and
 * the real Graph SDK client pointed at it.
 *
 * Why `fetchOptions.headers.authorization`: the SDK's AuthenticationHandler only adds the bearer
 * for https Graph hosts (or https custom hosts) and deletes an `Authorization` header otherwise;
 * over plain http to 127.0.0.1 the token would never be sent. A lower-case `authorization` header
 * in fetchOptions survives that delete. The authProvider still returns the lab token (it is what
 * the SDK would use over https).
 */
import { Client } from '@microsoft/microsoft-graph-client';
import { afterEach, beforeEach } from 'vitest';
import { emptyLabTenantData } from '../../../src/lab/tenant/empty-tenant.js';
import { LabTenant } from '../../../src/lab/tenant/lab-tenant.js';
import type { LabUser } from '../../../src/lab/tenant/records.js';
import { startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from '../../../src/lab/graph/index.js';
import { guidSequence } from '../../helpers/ids.js';

export const TENANT_ID = '6f1c2d9e-0000-4000-8000-000000000001';
export const DOMAIN = 'lab.example.test';
export const START = '2026-11-21T12:00:00.000Z';

export function newTenant(opts: { disableDelaySeconds?: number } = {}): LabTenant {
  return new LabTenant(
    emptyLabTenantData({ tenantId: TENANT_ID, now: START, displayName: 'Lab', domains: [DOMAIN, 'lab.onmicrosoft.com'] }),
    { ...opts, newId: guidSequence('aaaaaaaa') },
  );
}

/** A synced user as Entra Connect leaves it. */
export function addSyncedUser(t: LabTenant, name: string, extra: Partial<LabUser> = {}): Readonly<LabUser> {
  return t.createUser({
    userPrincipalName: `${name}@${DOMAIN}`,
    displayName: name,
    givenName: name,
    surname: 'Synced',
    mail: `${name}@${DOMAIN}`,
    mailNickname: name,
    proxyAddresses: [`SMTP:${name}@${DOMAIN}`],
    onPremisesSyncEnabled: true,
    onPremisesImmutableId: Buffer.from(name.padEnd(16, '.').slice(0, 16)).toString('base64'),
    onPremisesDistinguishedName: `CN=${name},OU=Staff,DC=lab,DC=example,DC=test`,
    onPremisesDomainName: 'lab.example.test',
    onPremisesSamAccountName: name,
    onPremisesSecurityIdentifier: `S-1-5-21-1-2-3-${1000 + name.length}`,
    onPremisesUserPrincipalName: `${name}@${DOMAIN}`,
    onPremisesLastSyncDateTime: START,
    ...extra,
  });
}

export function addCloudUser(t: LabTenant, name: string, extra: Partial<LabUser> = {}): Readonly<LabUser> {
  return t.createUser({ userPrincipalName: `${name}@${DOMAIN}`, displayName: name, mailNickname: name, mail: `${name}@${DOMAIN}`, ...extra });
}

export interface Lab {
  tenant: LabTenant;
  emu: GraphEmulator;
  client: Client;
  close(): Promise<void>;
}

/** The SDK client for an emulator (or any `{url, token}` of one, e.g. a `Lab`'s `graphUrl` and `token`). */
export function sdkClient(emu: Pick<GraphEmulator, 'url' | 'token'>, token = emu.token, extra: { retry?: boolean } = {}): Client {
  void extra;
  return Client.init({
    authProvider: (done) => done(null, token),
    baseUrl: `${emu.url}/`,
    defaultVersion: 'v1.0',
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
}

export async function startLab(tenant: LabTenant, opts: Omit<GraphEmulatorOptions, 'tenant'> = {}): Promise<Lab> {
  const emu = await startGraphEmulator({ tenant, ...opts });
  return { tenant, emu, client: sdkClient(emu), close: () => emu.close() };
}

/**
 * The SDK strips origin and version from a full link only for https URLs: give it the path after
 * the version (the SDK adds the client's version back; use `.version()` for beta links).
 */
export function relative(emu: GraphEmulator, link: string): string {
  const m = /^\/(v1\.0|beta)(\/.*)$/.exec(link.startsWith(emu.url) ? link.slice(emu.url.length) : '');
  if (!m?.[2]) throw new Error(`link ${link} is not an emulator Graph link on ${emu.url}`);
  return m[2];
}

/** Plain fetch to the emulator (for what the SDK hides: raw status, headers). */
export async function raw(
  emu: GraphEmulator,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? emu.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const r = await fetch(`${emu.url}${path}`, { method, headers, ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }) });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    // text body
  }
  return { status: r.status, headers: r.headers, body };
}

/** Run a promise that must reject with the SDK's GraphError; return it. */
export async function graphError(p: Promise<unknown>): Promise<{ statusCode: number; code: string | null; message: string; requestId: string | null; body: unknown }> {
  try {
    await p;
  } catch (e) {
    const g = e as { statusCode: number; code: string | null; message: string; requestId: string | null; body: unknown };
    return g;
  }
  throw new Error('expected the Graph call to fail');
}

/** A fresh tenant (`newTenant()`) and emulator for every test of the calling describe block, closed after each. */
export function freshLabPerTest(tenantOptions: { disableDelaySeconds?: number } = {}): { readonly lab: Lab; readonly t: LabTenant } {
  let current: Lab | undefined;
  beforeEach(async () => {
    current = await startLab(newTenant(tenantOptions));
  });
  afterEach(async () => current?.close());
  return {
    get lab(): Lab {
      if (!current) throw new Error('freshLabPerTest: no lab outside a test');
      return current;
    },
    get t(): LabTenant {
      return this.lab.tenant;
    },
  };
}
