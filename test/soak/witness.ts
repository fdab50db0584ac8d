/**
 * Independent witnesses of the end state of a soak round: Graph read through Microsoft's SDK client
 * (not entra-soa's Graph code), AD read with Samba's own `ldbsearch` (not entra-soa's LDAP code), a
 * bind as a created user with the password its secrets file holds (ldapts directly), and a count of
 * the password resets the lab's tenant carried out.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { Client as LdapClient } from 'ldapts';
import type { LabTenant } from '../../src/lab/tenant/lab-tenant.js';
import { ldbsearch, requireSambaEnv } from '../helpers/samba.js';

/** A user as Graph answers it (v1.0 `$select`). */
export interface GraphUser {
  id: string;
  userPrincipalName: string;
  onPremisesSyncEnabled: boolean | null;
  onPremisesImmutableId: string | null;
  lastPasswordChangeDateTime: string | null;
}

async function all<T>(client: Client, path: string): Promise<T[]> {
  const out: T[] = [];
  let page = (await client.api(path).get()) as { value: T[]; '@odata.nextLink'?: string };
  out.push(...page.value);
  while (page['@odata.nextLink']) {
    // The SDK strips origin and version only from https links: give it the path after the version.
    const next = /\/v1\.0(\/.*)$/.exec(page['@odata.nextLink'])?.[1];
    if (!next) throw new Error(`unexpected nextLink ${page['@odata.nextLink']}`);
    page = (await client.api(next).get()) as typeof page;
    out.push(...page.value);
  }
  return out;
}

/** Every live user. */
export function graphUsers(client: Client): Promise<GraphUser[]> {
  return all<GraphUser>(client, '/users?$select=id,userPrincipalName,onPremisesSyncEnabled,onPremisesImmutableId,lastPasswordChangeDateTime&$top=999');
}

/** Every soft-deleted user (id and UPN). */
export function graphDeletedUsers(client: Client): Promise<{ id: string; userPrincipalName: string }[]> {
  return all(client, '/directory/deletedItems/microsoft.graph.user?$select=id,userPrincipalName&$top=999');
}

/** `isCloudManaged` of a user's onPremisesSyncBehavior (beta). */
export async function graphIsCloudManaged(client: Client, id: string): Promise<boolean> {
  const r = (await client.api(`/users/${id}/onPremisesSyncBehavior`).version('beta').get()) as { value: { isCloudManaged: boolean } };
  return r.value.isCloudManaged;
}

/** An AD user as `ldbsearch` shows it. */
export interface LdbUser {
  dn: string;
  userPrincipalName: string;
}

/** AD users under `base` whose UPN matches the LDAP filter value `upnPattern` (e.g. `*-k1abc@lab.example.test`). */
export async function adUsersByUpn(base: string, upnPattern: string): Promise<LdbUser[]> {
  const text = await ldbsearch(base, 'sub', `(&(objectClass=user)(userPrincipalName=${upnPattern}))`, ['userPrincipalName']);
  const users: LdbUser[] = [];
  for (const rec of text.split(/^# record \d+$/m).slice(1)) {
    // LDIF folds long lines: a line starting with one space continues the previous one.
    const unfolded = rec.replace(/\n /g, '');
    const dn = /^dn: (.*)$/m.exec(unfolded)?.[1];
    const upn = /^userPrincipalName: (.*)$/m.exec(unfolded)?.[1];
    if (dn && upn) users.push({ dn, userPrincipalName: upn });
  }
  return users;
}

/** Whether `dn` can bind over LDAPS with `password` (the test CA; full verification). */
export async function canBind(dn: string, password: string): Promise<boolean> {
  const env = requireSambaEnv();
  const client = new LdapClient({ url: env.ldapsUrl, tlsOptions: { ca: [readFileSync(env.caFile)] } });
  try {
    await client.bind(dn, password);
    return true;
  } catch {
    return false;
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

/**
 * The lines of every secrets file in `dir`, oldest file first (their names sort by time), as
 * `[upn, password]`. The newest line for a user is the valid one (docs/apply.md, Secrets).
 */
export function secretLines(dir: string): [string, string][] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /^secrets-.*\.tsv$/.test(f)).sort();
  } catch {
    return [];
  }
  return files.flatMap((f) =>
    readFileSync(join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split('\t') as [string, string]),
  );
}

/**
 * Count the password resets the tenant carries out, per user id (the emulator records each one with
 * `recordPasswordReset`; no password is stored). Observes, changes nothing.
 */
export function countPasswordResets(tenant: LabTenant): Map<string, number> {
  const counts = new Map<string, number>();
  const record = tenant.recordPasswordReset.bind(tenant);
  tenant.recordPasswordReset = (id: string) => {
    const user = record(id);
    counts.set(user.id, (counts.get(user.id) ?? 0) + 1);
    return user;
  };
  return counts;
}
