/**
 * The soak scenario shared by the kill-resume and fault-storm files: a fresh OU on the Samba DC and a
 * lab tenant (its Entra Connect reads the same DC), a manifest with three rules over `users` people
 * each — cloud users that get an AD user created and soft-linked; synced users moved out of scope,
 * restored, their passwords reset and immutable ids cleared; synced users switched to cloud authority
 * — (9 steps per person-triple: 2 adds, 4 changes, 1 removal, 2 waits), and the end state both
 * directories must show after the plan ran, read by the independent witnesses of witness.ts.
 */
import { join } from 'node:path';
import type { Client } from '@microsoft/microsoft-graph-client';
import { readJournal } from '../../src/apply/journal.js';
import { requireSambaEnv, uniqueSuffix } from '../helpers/samba.js';
import { syncedUsersSeed } from '../helpers/workflow-seed.js';
import { startWorkflowEnv, type WorkflowEnv } from '../e2e/workflows/harness.js';
import { sdkClient } from '../integration/lab-graph/helpers.js';
import { adUsersByUpn, canBind, countPasswordResets, graphDeletedUsers, graphIsCloudManaged, graphUsers, secretLines, type GraphUser, type LdbUser } from './witness.js';

/** What a witness found wrong: an effect twice, an effect missing, or a run that ended other than documented. */
export interface Finding {
  kind: 'doubled' | 'lost' | 'exit';
  text: string;
}

export interface SoakScenario {
  w: WorkflowEnv;
  /** Graph through Microsoft's SDK (the witness's client, not entra-soa's). */
  graph: Client;
  tag: string;
  created: string[];
  out: string[];
  switched: string[];
  /** Cloud user id of each person before apply. */
  idOf: Map<string, string>;
  /** Password resets the tenant carried out, per user id. */
  resets: Map<string, number>;
  /** Cloud users before apply. */
  usersBefore: number;
  /** Steps of the plan. */
  steps: number;
  /** The saved plan's file name (in `w.cwd`). */
  planFile: string;
}

export const lower = (s: string): string => s.toLowerCase();

/** Seed the OU and the tenant for `users` people per rule, write the manifest and plan it (`p.json`). */
export async function startSoakScenario(prefix: string, users: number): Promise<SoakScenario> {
  const tag = `${prefix.replace(/[^a-z0-9]/g, '').slice(0, 6)}${uniqueSuffix(3)}`;
  const upns = (p: string) => Array.from({ length: users }, (_, i) => `${p}${i}-${tag}@lab.example.test`);
  const created = upns('new');
  const out = upns('out');
  const switched = upns('sw');
  const w = await startWorkflowEnv({
    prefix,
    features: { blockSoftMatchEnabled: false },
    cloudOnly: created.map((upn) => ({ upn, displayName: upn.split('@')[0] as string })),
    seedAd: syncedUsersSeed([...out, ...switched]),
  });
  try {
    const graph = sdkClient({ url: w.lab.graphUrl, token: w.lab.token });
    const resets = countPasswordResets(w.lab.tenant);
    const before = await graphUsers(graph);
    const idOf = new Map(before.map((u) => [lower(u.userPrincipalName), u.id]));
    const m = w.manifest(
      'm.yaml',
      `users:
  - name: create
    select: { upns: [${created.join(', ')}] }
    authority: onPremises
    link: soft
    createIn: ${JSON.stringify(w.ou.sub.Synced)}
  - name: out
    select: { upns: [${out.join(', ')}] }
    authority: cloud
    method: scopeRemoval
    clear: { immutableId: true }
  - name: switch
    select: { upns: [${switched.join(', ')}] }
    authority: cloud
    method: sourceOfAuthority
    clear: { immutableId: true }
allow:
  disruptive: true`,
    );
    const planned = await w.cli(['plan', '-f', m, ...w.graphFlags, '--out', 'p.json']);
    const expected = `Plan: ${2 * users} to add, ${4 * users} to change, ${users} to remove, ${2 * users} waits.`;
    if (planned.code !== 0 || !planned.stdout.includes(expected)) {
      throw new Error(`plan did not give "${expected}" (exit ${planned.code}):\n${planned.stdout}\n${planned.stderr}`);
    }
    return { w, graph, tag, created, out, switched, idOf, resets, usersBefore: before.length, steps: 9 * users, planFile: 'p.json' };
  } catch (e) {
    await w.close();
    throw e;
  }
}

/** The directories as the witnesses read them now. */
export interface WitnessView {
  live(upn: string): GraphUser[];
  deleted: { id: string; userPrincipalName: string }[];
  liveCount: number;
  ad(upn: string): LdbUser[];
  /** `[upn, password]` lines of every secrets file, oldest first. */
  secrets: [string, string][];
}

export async function witnessView(s: SoakScenario): Promise<WitnessView> {
  const after = await graphUsers(s.graph);
  const deleted = (await graphDeletedUsers(s.graph)).filter((u) => lower(u.userPrincipalName).includes(s.tag));
  const ad = await adUsersByUpn(requireSambaEnv().baseDn, `*-${s.tag}@lab.example.test`);
  return {
    live: (upn) => after.filter((u) => lower(u.userPrincipalName) === upn),
    deleted,
    liveCount: after.length,
    ad: (upn) => ad.filter((u) => lower(u.userPrincipalName) === upn),
    secrets: secretLines(join(s.w.cwd, '.entra-soa', 'secrets')),
  };
}

export const inOu = (dn: string | undefined, ou: string | undefined): boolean => dn !== undefined && ou !== undefined && lower(dn).endsWith(`,${lower(ou)}`);

/** Secret values of a scenario (generated passwords, the bind password, the lab token) found in `texts`. */
export function printedSecrets(s: SoakScenario, view: WitnessView, texts: readonly string[]): number {
  const values = [...view.secrets.map(([, pw]) => pw), s.w.env.bindPassword, s.w.lab.token].filter((x) => x.length >= 8);
  let n = 0;
  for (const text of texts) for (const v of values) if (text.includes(v)) n++;
  return n;
}

/**
 * Everything wrong with the end state after the whole plan ran: nothing doubled (one AD user and one
 * cloud user per person, the cloud user is the object it was, one password reset per restored user),
 * nothing lost (every effect there, the created users bind with the newest password of the secrets
 * files), the journal records every step done or skipped. `extraPasswordLines` counts password lines
 * beyond one per person (attempts cut short before their write).
 */
export async function endStateFindings(s: SoakScenario, view: WitnessView): Promise<{ findings: Finding[]; extraPasswordLines: number }> {
  const findings: Finding[] = [];
  const note = (kind: Finding['kind'], text: string) => findings.push({ kind, text });
  const { w } = s;
  const newest = (upn: string) => view.secrets.filter(([u]) => lower(u) === upn).at(-1)?.[1];
  const linesOf = (upn: string) => view.secrets.filter(([u]) => lower(u) === upn).length;
  let extraPasswordLines = 0;

  if (view.deleted.length > 0) note('lost', `still soft-deleted: ${view.deleted.map((u) => u.userPrincipalName).join(', ')}`);
  if (view.liveCount !== s.usersBefore) note('doubled', `${view.liveCount} cloud users, ${s.usersBefore} before`);
  for (const upn of [...s.created, ...s.out, ...s.switched]) {
    const cloud = view.live(upn);
    if (cloud.length > 1) note('doubled', `${cloud.length} cloud users ${upn}`);
    else if (cloud.length === 0) note('lost', `no live cloud user ${upn}`);
    else if (cloud[0]?.id !== s.idOf.get(upn)) note('doubled', `${upn} is a new cloud object (${cloud[0]?.id}), not ${s.idOf.get(upn)}`);
    const adUsers = view.ad(upn);
    if (adUsers.length > 1) note('doubled', `${adUsers.length} AD users ${upn}: ${adUsers.map((u) => u.dn).join('; ')}`);
    if (adUsers.length === 0) note('lost', `no AD user ${upn}`);
  }
  for (const upn of s.created) {
    const [c] = view.live(upn);
    if (c && (c.onPremisesSyncEnabled !== true || !c.onPremisesImmutableId)) note('lost', `${upn} is not synced from its AD user (soft match missing)`);
    const [a] = view.ad(upn);
    if (a && !inOu(a.dn, w.ou.sub.Synced)) note('lost', `AD user ${a.dn} is not in the Synced OU`);
    const pw = newest(upn);
    if (!pw) note('lost', `no password line for created ${upn}`);
    else if (a && !(await canBind(a.dn, pw))) note('lost', `created ${upn} does not bind with the newest password of its secrets files`);
    extraPasswordLines += Math.max(0, linesOf(upn) - 1);
  }
  for (const upn of s.out) {
    const [c] = view.live(upn);
    if (c && c.onPremisesSyncEnabled === true) note('lost', `${upn} is still synced (not restored as a cloud user)`);
    if (c && c.onPremisesImmutableId !== null) note('lost', `${upn} keeps its immutable id`);
    const [a] = view.ad(upn);
    if (a && !inOu(a.dn, w.ou.sub.Unsynced)) note('lost', `AD user ${a.dn} was not moved to the Unsynced OU`);
    const n = s.resets.get(s.idOf.get(upn) as string) ?? 0;
    if (n > 1) note('doubled', `the password of ${upn} was reset ${n} times (lastPasswordChangeDateTime ${c?.lastPasswordChangeDateTime})`);
    if (n === 0) note('lost', `the password of ${upn} was never reset`);
    if (linesOf(upn) === 0) note('lost', `no password line for ${upn}`);
    extraPasswordLines += Math.max(0, linesOf(upn) - 1);
  }
  for (const upn of s.switched) {
    const [c] = view.live(upn);
    if (c && !(await graphIsCloudManaged(s.graph, c.id))) note('lost', `${upn} is not cloud-managed`);
    if (c && c.onPremisesImmutableId !== null) note('lost', `${upn} keeps its immutable id`);
    const [a] = view.ad(upn);
    if (a && !inOu(a.dn, w.ou.sub.Synced)) note('doubled', `AD user ${a.dn} of a switched user moved`);
    if (linesOf(upn) > 0) note('doubled', `a password was generated for switched ${upn}`);
  }
  const journal = readJournal(join(w.cwd, `${s.planFile}.journal`));
  const states = [...(journal?.states ?? new Map()).entries()];
  if (states.length !== s.steps) note('lost', `the journal knows ${states.length} of ${s.steps} steps`);
  const unfinished = states.filter(([, st]) => st !== 'done' && st !== 'skipped');
  if (unfinished.length > 0) note('lost', `journal: ${unfinished.map(([id, st]) => `${id} ${st}`).join(', ')}`);
  return { findings, extraPasswordLines };
}
