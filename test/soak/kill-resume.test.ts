/**
 * Kill-resume soak (issue 12 §8): the built CLI applies a plan with AD and Graph steps (AD users
 * created for cloud users and soft-linked; synced users moved out of scope, restored, their
 * passwords reset and immutable ids cleared; synced users switched to cloud authority) against the
 * real Samba DC and the lab's Graph emulator (its Entra Connect reads the same DC). Each run is
 * stopped at a random point — SIGKILL, SIGINT (Ctrl-C) or SIGINT twice — after a random number of
 * finished steps (apply's progress on stderr) plus a random delay, or a random time after the start (start-up, reads, the
 * recomputation); then apply runs again, until a run is let finish. Then both directories are read by
 * independent witnesses (Microsoft's Graph SDK, Samba's ldbsearch, a bind as each created user with
 * the password its secrets file holds, the lab's count of password resets):
 * - nothing doubled: one AD user and one cloud user per person, the cloud user is the object it was
 *   (soft match joined it; the restore kept it), one password reset per restored user;
 * - nothing lost: every effect of the plan is there, the last run exits 0, the journal records every
 *   step done or already done;
 * - exit codes as documented (docs/apply.md): a run stopped by SIGINT exits 3 with "Apply
 *   interrupted" and the resume command (or 0 when it had finished), and dies of the signal itself
 *   only before any step ran or after the summary (no handler then) or at the second SIGINT.
 *
 * Sizes: ENTRA_SOA_SOAK_KILL_ROUNDS (rounds, fresh users each, default 3), ENTRA_SOA_SOAK_KILLS
 * (kills per round, default 3), ENTRA_SOA_SOAK_USERS (users per kind, default 3: 27 steps);
 * ENTRA_SOA_SOAK_SEED (test/soak/soak-options.ts); ENTRA_SOA_SOAK_TRACE=1 prints each run's kill and end
 * (=2 also its output). Round 1's first stop is a Ctrl-C right after the first finished step, which must
 * exit 3 with "Apply interrupted" and the resume command. Each run's `--concurrency` is drawn from 1, 2
 * and 4 (1 spreads the steps out). A SIGKILL leaves the journal lock behind; the next
 * apply waits for it to go stale (10 s), which is most of this test's time.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJournal } from '../../src/apply/journal.js';
import type { CliRun, RunningCli } from '../helpers/cli-process.js';
import { requireSambaEnv, uniqueSuffix } from '../helpers/samba.js';
import { syncedUsersSeed } from '../helpers/workflow-seed.js';
import { SAMBA, startWorkflowEnv, type WorkflowEnv } from '../e2e/workflows/harness.js';
import { sdkClient } from '../integration/lab-graph/helpers.js';
import { pick, printFigures, roundRandom, soakCount, type SeededRandom } from './soak-options.js';
import { adUsersByUpn, canBind, countPasswordResets, graphDeletedUsers, graphIsCloudManaged, graphUsers, secretLines } from './witness.js';

const ROUNDS = soakCount('ENTRA_SOA_SOAK_KILL_ROUNDS', 3);
const KILLS = soakCount('ENTRA_SOA_SOAK_KILLS', 3);
const USERS = Math.max(1, soakCount('ENTRA_SOA_SOAK_USERS', 3));
/** Runs without a kill that a round may take to finish after its kills (more means something is stuck). */
const FINISH_RUNS = 2;

type KillKind = 'SIGKILL' | 'SIGINT' | 'SIGINT twice';
const KILL_KINDS: readonly KillKind[] = ['SIGKILL', 'SIGKILL', 'SIGINT', 'SIGINT', 'SIGINT twice'];

interface KillPoint {
  kind: KillKind;
  /** Finished steps (apply's progress on stderr) to wait for first (0: a time after the start). */
  afterResults: number;
  delayMs: number;
  /** `--concurrency` of the run (1 spreads the steps' results out, so more kills land among them). */
  concurrency: number;
}

const CONCURRENCY = [1, 1, 2, 4] as const;
/** Round 1's first kill: Ctrl-C right after the first step result, so one Ctrl-C surely lands among the steps. */
const FIRST_SIGINT: KillPoint = { kind: 'SIGINT', afterResults: 1, delayMs: 0, concurrency: 1 };

const RESULT_LINE = /^[✓=!✗-] s\d{3} /gm;
const resultLines = (out: string): number => (out.match(RESULT_LINE) ?? []).length;
/** Steps finished so far, from apply's progress lines on stderr (`12/27 steps, 0 failed, ETA 1s`); stdout's result lines come at the end. */
const PROGRESS = /^(\d+)\/\d+ steps/gm;
const progress = (err: string): number => Math.max(0, ...[...err.matchAll(PROGRESS)].map((m) => Number(m[1])));
const STACK_TRACE = /^\s+at .+[:(]\d+:\d+\)?$/m;

function chooseKill(random: SeededRandom, steps: number): KillPoint {
  const kind = pick(random, KILL_KINDS);
  const concurrency = pick(random, CONCURRENCY);
  const early = random.next() < 0.25;
  return early
    ? { kind, afterResults: 0, delayMs: 150 + random.int(700), concurrency }
    : { kind, afterResults: 1 + random.int(Math.max(1, Math.floor(steps / 2))), delayMs: random.int(20), concurrency };
}

const figures = {
  rounds: 0,
  survived: 0,
  doubled: 0,
  lost: 0,
  runs: 0,
  delivered: { SIGKILL: 0, SIGINT: 0, 'SIGINT twice': 0 } as Record<KillKind, number>,
  /** The run ended because of the kill (killed, interrupted, or died of SIGINT). */
  landed: 0,
  /** The run had finished (exit 0) before the kill could act. */
  missed: 0,
  passwordLinesBeyondOne: 0,
  /** Runs stopped by Ctrl-C among the steps that exited 3 saying how to resume. */
  interruptedCleanly: 0,
  /** Secrets (generated passwords, bind password, token) found in any run's stdout/stderr. */
  secretsPrinted: 0,
  roundMs: [] as number[],
  findings: [] as string[],
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Start apply; stop it at `kill` (if given and it is still running then). */
async function runApply(w: WorkflowEnv, args: string[], kill: KillPoint | null): Promise<{ r: CliRun; delivered: KillKind | null }> {
  const run: RunningCli = w.start(args);
  const t0 = Date.now();
  let firstResultMs = -1;
  const watch = setInterval(() => {
    if (firstResultMs < 0 && progress(run.stderr()) > 0) firstResultMs = Date.now() - t0;
  }, 5);
  let ended = false;
  let delivered: KillKind | null = null;
  const killer = (async () => {
    if (!kill) return;
    while (!ended && progress(run.stderr()) < kill.afterResults) await sleep(5);
    await sleep(kill.delayMs);
    if (ended) return;
    delivered = kill.kind;
    run.child.kill(kill.kind === 'SIGKILL' ? 'SIGKILL' : 'SIGINT');
    if (kill.kind === 'SIGINT twice') {
      await sleep(30 + (kill.delayMs % 200));
      if (!ended) run.child.kill('SIGINT');
    }
  })();
  const r = await run.done;
  clearInterval(watch);
  if (process.env.ENTRA_SOA_SOAK_TRACE) console.log(`  run took ${Date.now() - t0} ms, first result at ${firstResultMs} ms`);
  if (process.env.ENTRA_SOA_SOAK_TRACE === '2') console.log(r.stdout, r.stderr);
  ended = true;
  await killer;
  return { r, delivered };
}

/** What the run's end says, checked against docs/apply.md; null when it is as documented, else why not. */
function checkExit(r: CliRun, delivered: KillKind | null): { landed: boolean; problem: string | null } {
  const out = r.stdout;
  if (STACK_TRACE.test(r.stderr) || STACK_TRACE.test(out)) return { landed: false, problem: 'a stack trace was printed' };
  if (/^[!✗] s\d{3} /m.test(out)) return { landed: false, problem: `a step was refused or failed:\n${out.split('\n').filter((l) => /^[!✗] /.test(l)).join('\n')}` };
  if (r.code === 0) return out.includes('Apply complete:') ? { landed: false, problem: null } : { landed: false, problem: 'exit 0 without "Apply complete"' };
  if (r.signal === 'SIGKILL') return { landed: true, problem: delivered === 'SIGKILL' ? null : 'killed by SIGKILL that the test did not send' };
  if (r.code === 3 && delivered !== null && delivered !== 'SIGKILL') {
    const ok = out.includes('Apply interrupted:') && out.includes('To resume, run: entra-soa apply p.json');
    if (ok) figures.interruptedCleanly++;
    return { landed: true, problem: ok ? null : 'exit 3 after Ctrl-C without "Apply interrupted" and the resume command' };
  }
  if (r.signal === 'SIGINT' && delivered !== null && delivered !== 'SIGKILL') {
    // Without a handler (before the steps start, after the summary) Ctrl-C ends the process; the second Ctrl-C does anyway.
    const beforeSteps = resultLines(out) === 0 && !out.includes('Apply ');
    const afterSummary = /^Apply (complete|interrupted):/m.test(out);
    const ok = delivered === 'SIGINT twice' || beforeSteps || afterSummary;
    return { landed: true, problem: ok ? null : 'died of SIGINT while steps ran (the handler should record and exit 3)' };
  }
  return { landed: false, problem: `unexpected end: exit ${r.code ?? r.signal}\n${out}\n${r.stderr}` };
}

const lower = (s: string) => s.toLowerCase();

describe.runIf(SAMBA !== null)('kill-resume soak: random SIGKILL / SIGINT over an apply with AD and Graph steps', () => {
  afterAll(() => {
    const f = figures;
    const ms = f.roundMs;
    printFigures('kill-resume soak', [
      `${f.rounds} rounds of ${9 * USERS} steps, ${f.runs} apply runs; kills delivered ${JSON.stringify(f.delivered)}, landed ${f.landed}, missed (run already done) ${f.missed}`,
      `rounds survived ${f.survived}, doubled ${f.doubled}, lost ${f.lost}; extra password lines (attempts cut short) ${f.passwordLinesBeyondOne}`,
      `Ctrl-C stops that exited 3 with the resume command ${f.interruptedCleanly}; secrets printed ${f.secretsPrinted}`,
      `durations: ${ms.map((m) => `${(m / 1000).toFixed(1)}s`).join(', ')} (total ${(ms.reduce((a, b) => a + b, 0) / 1000).toFixed(1)}s)`,
      ...f.findings.map((x) => `FINDING ${x}`),
    ]);
  });

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: ${KILLS} random kills, then runs to the end; both directories as after one clean run`, { timeout: 120_000 + KILLS * 20_000 }, async () => {
      const started = Date.now();
      const random = roundRandom('kill-resume', round);
      const tag = `k${round}${uniqueSuffix(3)}`;
      const upns = (prefix: string) => Array.from({ length: USERS }, (_, i) => `${prefix}${i}-${tag}@lab.example.test`);
      const created = upns('new');
      const out = upns('out');
      const switched = upns('sw');
      const findings: { kind: 'doubled' | 'lost' | 'exit'; text: string }[] = [];
      const note = (kind: 'doubled' | 'lost' | 'exit', text: string) => findings.push({ kind, text: `round ${round}: ${text}` });

      const w = await startWorkflowEnv({
        prefix: `soak-kill-${round}`,
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
        expect(planned.code, planned.stderr).toBe(0);
        const steps = 9 * USERS;
        expect(planned.stdout).toContain(`Plan: ${2 * USERS} to add, ${4 * USERS} to change, ${USERS} to remove, ${2 * USERS} waits.`);

        const args = ['apply', 'p.json', '--auto-approve', ...w.graphFlags];
        let finished = false;
        const printed: string[] = [];
        for (let n = 0; n < KILLS + FINISH_RUNS && !finished; n++) {
          const kill = n < KILLS ? (round === 1 && n === 0 ? FIRST_SIGINT : chooseKill(random, steps)) : null;
          const { r, delivered } = await runApply(w, [...args, '--concurrency', String(kill?.concurrency ?? 4)], kill);
          printed.push(r.stdout, r.stderr);
          if (round === 1 && n === 0) {
            // The one Ctrl-C whose landing is certain: a clean stop, the resume command, a non-zero exit.
            expect(r.code, r.stdout + r.stderr).toBe(3);
            expect(r.stdout).toMatch(/^Apply interrupted: /m);
            expect(r.stdout).toContain('To resume, run: entra-soa apply p.json');
          }
          figures.runs++;
          if (delivered) figures.delivered[delivered]++;
          const { landed, problem } = checkExit(r, delivered);
          if (landed) figures.landed++;
          if (kill && !landed && r.code === 0) figures.missed++;
          if (process.env.ENTRA_SOA_SOAK_TRACE) console.log(`round ${round} run ${n + 1}: kill ${JSON.stringify(kill)} delivered ${delivered} -> exit ${r.code ?? r.signal}, ${resultLines(r.stdout)} results`);
          if (problem) note('exit', `run ${n + 1} (kill ${JSON.stringify(kill)}): ${problem}`);
          finished = r.code === 0;
        }
        if (!finished) note('lost', `no run finished (exit 0) within ${KILLS + FINISH_RUNS} runs`);

        // ---- the end state, read by witnesses that share no code with entra-soa ----
        const after = await graphUsers(graph);
        const live = (upn: string) => after.filter((u) => lower(u.userPrincipalName) === upn);
        const deleted = (await graphDeletedUsers(graph)).filter((u) => lower(u.userPrincipalName).includes(tag));
        if (deleted.length > 0) note('lost', `still soft-deleted: ${deleted.map((u) => u.userPrincipalName).join(', ')}`);
        if (after.length !== before.length) note('doubled', `${after.length} cloud users, ${before.length} before`);
        const env = requireSambaEnv();
        const ad = await adUsersByUpn(env.baseDn, `*-${tag}@lab.example.test`);
        const adOf = (upn: string) => ad.filter((u) => lower(u.userPrincipalName) === upn);
        const secrets = secretLines(join(w.cwd, '.entra-soa', 'secrets'));
        const newest = (upn: string) => secrets.filter(([u]) => lower(u) === upn).at(-1)?.[1];
        const linesOf = (upn: string) => secrets.filter(([u]) => lower(u) === upn).length;
        const secretValues = [...secrets.map(([, pw]) => pw), w.env.bindPassword, w.lab.token].filter((x) => x.length >= 8);
        for (const text of printed) {
          for (const v of secretValues) {
            if (text.includes(v)) {
              figures.secretsPrinted++;
              note('exit', 'a secret (generated password, bind password or token) was printed');
            }
          }
        }
        const inOu = (dn: string | undefined, ou: string | undefined) => dn !== undefined && ou !== undefined && lower(dn).endsWith(`,${lower(ou)}`);

        for (const upn of [...created, ...out, ...switched]) {
          const cloud = live(upn);
          if (cloud.length > 1) note('doubled', `${cloud.length} cloud users ${upn}`);
          else if (cloud.length === 0) note('lost', `no live cloud user ${upn}`);
          else if (cloud[0]?.id !== idOf.get(upn)) note('doubled', `${upn} is a new cloud object (${cloud[0]?.id}), not ${idOf.get(upn)}`);
          const adUsers = adOf(upn);
          if (adUsers.length > 1) note('doubled', `${adUsers.length} AD users ${upn}: ${adUsers.map((u) => u.dn).join('; ')}`);
          if (adUsers.length === 0) note('lost', `no AD user ${upn}`);
        }
        for (const upn of created) {
          const [c] = live(upn);
          if (c && (c.onPremisesSyncEnabled !== true || !c.onPremisesImmutableId)) note('lost', `${upn} is not synced from its AD user (soft match missing)`);
          const [a] = adOf(upn);
          if (a && !inOu(a.dn, w.ou.sub.Synced)) note('lost', `AD user ${a.dn} is not in the Synced OU`);
          const pw = newest(upn);
          if (!pw) note('lost', `no password line for created ${upn}`);
          else if (a && !(await canBind(a.dn, pw))) note('lost', `created ${upn} does not bind with the newest password of its secrets files`);
          figures.passwordLinesBeyondOne += Math.max(0, linesOf(upn) - 1);
        }
        for (const upn of out) {
          const [c] = live(upn);
          if (c && c.onPremisesSyncEnabled === true) note('lost', `${upn} is still synced (not restored as a cloud user)`);
          if (c && c.onPremisesImmutableId !== null) note('lost', `${upn} keeps its immutable id`);
          const [a] = adOf(upn);
          if (a && !inOu(a.dn, w.ou.sub.Unsynced)) note('lost', `AD user ${a.dn} was not moved to the Unsynced OU`);
          const id = idOf.get(upn) as string;
          const n = resets.get(id) ?? 0;
          if (n > 1) note('doubled', `the password of ${upn} was reset ${n} times (lastPasswordChangeDateTime ${c?.lastPasswordChangeDateTime})`);
          if (n === 0) note('lost', `the password of ${upn} was never reset`);
          if (linesOf(upn) === 0) note('lost', `no password line for ${upn}`);
          figures.passwordLinesBeyondOne += Math.max(0, linesOf(upn) - 1);
        }
        for (const upn of switched) {
          const [c] = live(upn);
          if (c && !(await graphIsCloudManaged(graph, c.id))) note('lost', `${upn} is not cloud-managed`);
          if (c && c.onPremisesImmutableId !== null) note('lost', `${upn} keeps its immutable id`);
          const [a] = adOf(upn);
          if (a && !inOu(a.dn, w.ou.sub.Synced)) note('doubled', `AD user ${a.dn} of a switched user moved`);
          if (linesOf(upn) > 0) note('doubled', `a password was generated for switched ${upn}`);
        }
        const journal = readJournal(join(w.cwd, 'p.json.journal'));
        const states = [...(journal?.states ?? new Map()).entries()];
        if (states.length !== steps) note('lost', `the journal knows ${states.length} of ${steps} steps`);
        const unfinished = states.filter(([, s]) => s !== 'done' && s !== 'skipped');
        if (unfinished.length > 0) note('lost', `journal: ${unfinished.map(([id, s]) => `${id} ${s}`).join(', ')}`);
      } finally {
        await w.close();
      }

      figures.rounds++;
      if (findings.some((f) => f.kind === 'doubled')) figures.doubled++;
      if (findings.some((f) => f.kind === 'lost')) figures.lost++;
      if (findings.length === 0) figures.survived++;
      figures.findings.push(...findings.map((f) => `${f.kind}: ${f.text}`));
      figures.roundMs.push(Date.now() - started);
      expect(findings.map((f) => `${f.kind}: ${f.text}`)).toEqual([]);
    });
  }
});
