/**
 * Fault storm (docs/apply.md, Soak tests): the built CLI applies the soak scenario (scenario.ts: AD creates and moves
 * on the Samba DC, sync waits, restores, password resets, immutable-id clears, switches to cloud
 * authority) while the lab's Graph emulator fails Graph requests at a steady rate with every kind of
 * fault it has (src/lab/graph/faults.ts): errors and 503s before the write, dropped connections before
 * and after it, and errors after it (the write happened, the answer says otherwise). Writes (POST,
 * PATCH) are faulted more often than reads; one burst of 6 failing requests in a row per run lets a
 * write and the read of its postcondition fail together. After each storm run, with the storm paused, the witnesses
 * (witness.ts) check every step the run reported:
 * - reported done or already done (✓ / =): its effect is there, read from Graph through Microsoft's
 *   SDK and from AD through Samba's ldbsearch; a password reset happened exactly once;
 * - failed, not run or refused (✗ / - / !): the line names the object, and the run says what to do
 *   (run apply again);
 * - the run exits 0 only when every step is done, otherwise non-zero; no stack trace, no secret.
 * Then apply runs again without faults until done, and the end state must be that of one clean run
 * (nothing doubled, nothing lost). The figures (faults by kind, steps by outcome) are printed.
 *
 * Sizes: ENTRA_SOA_SOAK_STORM_ROUNDS (default 2), ENTRA_SOA_SOAK_STORM_RUNS (storm runs per round,
 * default 2), ENTRA_SOA_SOAK_USERS (people per rule, default 3: 27 steps); ENTRA_SOA_SOAK_SEED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stepSubject } from '../../src/steps/index.js';
import type { FaultAction, FaultKind, FaultRule } from '../../src/lab/graph/faults.js';
import type { PlannedStep } from '../../src/model/plan.js';
import type { Step } from '../../src/model/step.js';
import { SAMBA } from '../e2e/workflows/harness.js';
import { endStateFindings, inOu, lower, printedSecrets, startSoakScenario, witnessView, type Finding, type SoakScenario, type WitnessView } from './scenario.js';
import { pick, printFigures, roundRandom, soakCount, type SeededRandom } from './soak-options.js';
import { graphIsCloudManaged } from './witness.js';

const ROUNDS = soakCount('ENTRA_SOA_SOAK_STORM_ROUNDS', 2);
const STORM_RUNS = Math.max(1, soakCount('ENTRA_SOA_SOAK_STORM_RUNS', 2));
const USERS = Math.max(1, soakCount('ENTRA_SOA_SOAK_USERS', 3));
const CLEAN_RUNS = 2;
const STACK_TRACE = /^\s+at .+[:(]\d+:\d+\)?$/m;
const RESULT = /^([✓=!✗-]) (s\d{3}) (.*)$/gm;

type Mark = '✓' | '=' | '!' | '✗' | '-';

const figures = {
  rounds: 0,
  stormRuns: 0,
  cleanRuns: 0,
  requests: 0,
  faulted: 0,
  faultedByKind: {} as Record<string, number>,
  byMark: { '✓': 0, '=': 0, '!': 0, '✗': 0, '-': 0 } as Record<Mark, number>,
  /** Storm runs that ended before any step (a read failed): they must say so and exit non-zero. */
  readFailures: 0,
  stepsVerified: 0,
  doubled: 0,
  lost: 0,
  wrongReports: 0,
  secretsPrinted: 0,
  roundMs: [] as number[],
  /** Lines of steps not done in storm runs (the first few are printed). */
  notDone: [] as string[],
  findings: [] as string[],
};

/** A steady storm: every `gap`-th request of each family (writes by method, all requests) fails, with a kind drawn each time. */
function stormRules(random: SeededRandom, blackoutUserId: string): FaultRule[] {
  const action = (): FaultAction => {
    const kind: FaultKind = pick(random, ['error', 'unavailable', 'drop', 'dropAfterApply', 'errorAfterApply'] as const);
    switch (kind) {
      case 'error':
        return { kind, ...pick(random, [{ status: 500, code: 'InternalServerError' }, { status: 502, code: 'BadGateway' }, { status: 503, code: 'serviceNotAvailable' }, { status: 504, code: 'GatewayTimeout' }]) };
      case 'unavailable':
        return { kind, retryAfterSeconds: random.int(2) };
      case 'drop':
      case 'dropAfterApply':
        return { kind };
      case 'errorAfterApply':
        return { kind, ...pick(random, [{ status: 500, code: 'InternalServerError' }, { status: 502, code: 'BadGateway' }, { status: 504, code: 'GatewayTimeout' }]) };
    }
  };
  const family = (gap: number, count: number, filter: Partial<FaultRule>): FaultRule[] => {
    let nth = 1 + random.int(gap);
    const rules: FaultRule[] = [];
    for (let i = 0; i < count; i++, nth += gap) rules.push({ ...filter, nth, times: 1, action: action() });
    return rules;
  };
  // One burst: 6 requests in a row fail, so a write and the read of its postcondition can both fail
  // (the step must then say it may or may not have been applied), or a read before the steps fails.
  const burst: FaultRule = { nth: 30 + random.int(50), times: 6, action: { kind: 'error', status: 500, code: 'InternalServerError' } };
  // One user's object answers 500 to everything for a while: its steps cannot be done, nor their
  // effect read back; they must fail naming the user (the witnesses then check nothing was done twice).
  const blackout: FaultRule = { pathPattern: `/users/${blackoutUserId}`, nth: 2, times: 50, action: { kind: 'error', status: 500, code: 'InternalServerError' } };
  return [blackout, burst, ...family(3, 12, { method: 'POST' }), ...family(3, 12, { method: 'PATCH' }), ...family(8, 30, {})];
}

async function setFaults(s: SoakScenario, rules: FaultRule[] | null): Promise<void> {
  const res = await fetch(`${s.w.lab.graphUrl}/_lab/faults`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.w.lab.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(rules ? { rules } : null),
  });
  if (!res.ok) throw new Error(`POST /_lab/faults answered ${res.status}: ${await res.text()}`);
}

/** Why a step reported done is not in effect (null when it is), read by the witnesses. */
async function notInEffect(s: SoakScenario, view: WitnessView, st: Step): Promise<string | null> {
  switch (st.kind) {
    case 'ad.createUser': {
      const ad = view.ad(lower(st.user.userPrincipalName));
      return ad.length === 1 && inOu(ad[0]?.dn, st.ou) ? null : `${ad.length} AD users ${st.user.userPrincipalName} (${ad.map((u) => u.dn).join('; ')})`;
    }
    case 'ad.move': {
      const ad = view.ad(lower(st.upn ?? ''));
      return ad.length === 1 && inOu(ad[0]?.dn, st.toOu) ? null : `AD user ${st.upn} is at ${ad.map((u) => u.dn).join('; ') || 'nowhere'}, not in ${st.toOu}`;
    }
    case 'sync.await': {
      if (st.until.kind === 'tenantSyncDisabled') return 'unexpected tenant-wide wait';
      const { userId, upn } = st.until;
      const live = view.live(lower(upn)).find((u) => u.id === userId);
      if (st.until.kind === 'userSynced') return live?.onPremisesSyncEnabled === true ? null : `${upn} is not synced`;
      // Soft-deleted, or since restored as a cloud user (the plan's next step).
      const deleted = view.deleted.some((u) => u.id === userId);
      return deleted || (live !== undefined && live.onPremisesSyncEnabled !== true) ? null : `${upn} was never soft-deleted`;
    }
    case 'entra.restoreDeleted':
      return view.live(lower(st.upn)).some((u) => u.id === st.deletedId) ? null : `${st.upn} is not restored`;
    case 'entra.resetPassword': {
      const n = s.resets.get(st.userId) ?? 0;
      return n === 1 ? null : `the password of ${st.upn} was reset ${n} times`;
    }
    case 'entra.setImmutableId': {
      const [u] = view.live(lower(st.upn));
      return u && u.onPremisesImmutableId === st.to ? null : `the immutable id of ${st.upn} is ${JSON.stringify(u?.onPremisesImmutableId)}, not ${JSON.stringify(st.to)}`;
    }
    case 'entra.clearOnPremisesAttributes': {
      const [u] = view.live(lower(st.upn));
      return u && u.onPremisesImmutableId === null ? null : `${st.upn} keeps its immutable id`;
    }
    case 'entra.setCloudManaged': {
      const [u] = view.live(lower(st.upn));
      return u && (await graphIsCloudManaged(s.graph, u.id)) === st.to ? null : `${st.upn} is not cloud-managed = ${st.to}`;
    }
    default:
      return `the witness has no check for ${st.kind}`;
  }
}

describe.runIf(SAMBA !== null)('fault storm: Graph fails at a steady rate during apply; no step is done twice or reported done when it is not', () => {
  afterAll(() => {
    const f = figures;
    printFigures('fault-storm soak', [
      `${f.rounds} rounds of ${9 * USERS} steps; ${f.stormRuns} storm runs, ${f.cleanRuns} runs after the storm`,
      `Graph requests ${f.requests}, faulted ${f.faulted}: ${JSON.stringify(f.faultedByKind)}`,
      `step lines in storm runs ${JSON.stringify(f.byMark)}; storm runs that stopped at a read ${f.readFailures}`,
      `done steps verified by the witnesses ${f.stepsVerified}; wrong reports ${f.wrongReports}; rounds doubled ${f.doubled}, lost ${f.lost}; secrets printed ${f.secretsPrinted}`,
      `durations: ${f.roundMs.map((m) => `${(m / 1000).toFixed(1)}s`).join(', ')}`,
      ...f.notDone.slice(0, 4).map((l) => `e.g. ${l}`),
      ...f.findings.map((x) => `FINDING ${x}`),
    ]);
  });

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: ${STORM_RUNS} storm runs, then clean runs; every report true, end state as after one clean run`, { timeout: 240_000 }, async () => {
      const started = Date.now();
      const random = roundRandom('fault-storm', round);
      const findings: Finding[] = [];
      const note = (kind: Finding['kind'], text: string) => findings.push({ kind, text: `round ${round}: ${text}` });
      const sc = await startSoakScenario(`soak-storm-${round}`, USERS);
      const { w } = sc;
      const plan = JSON.parse(readFileSync(join(w.cwd, sc.planFile), 'utf8')) as { steps: PlannedStep[] };
      const plannedOf = new Map(plan.steps.map((p) => [p.id, p]));
      const printed: string[] = [];
      let faultedThisRound = 0;
      try {
        const args = ['apply', sc.planFile, '--auto-approve', ...w.graphFlags];
        let finished = false;
        for (let n = 0; n < STORM_RUNS && !finished; n++) {
          const statsBefore = w.lab.graphStats();
          await setFaults(sc, stormRules(random, sc.idOf.get(sc.switched[n % sc.switched.length] as string) as string));
          const r = await w.cli(args);
          await setFaults(sc, null);
          const stats = w.lab.graphStats();
          figures.stormRuns++;
          figures.requests += stats.requests - statsBefore.requests;
          figures.faulted += stats.faulted - statsBefore.faulted;
          faultedThisRound += stats.faulted - statsBefore.faulted;
          for (const [k, v] of Object.entries(stats.faultedByKind)) figures.faultedByKind[k] = (figures.faultedByKind[k] ?? 0) + v - (statsBefore.faultedByKind[k as FaultKind] ?? 0);
          printed.push(r.stdout, r.stderr);
          const where = `storm run ${n + 1}`;
          if (STACK_TRACE.test(r.stdout) || STACK_TRACE.test(r.stderr)) note('exit', `${where}: a stack trace was printed`);

          const results = [...r.stdout.matchAll(RESULT)].map((m) => ({ mark: m[1] as Mark, id: m[2] as string, message: m[3] as string }));
          if (results.length === 0) {
            // Stopped before the steps (a read failed even after the client's retries): non-zero, saying what failed.
            figures.readFailures++;
            if (r.code === 0) note('exit', `${where}: exit 0 without step results`);
            if (!/entra-soa apply: .+/.test(r.stderr)) note('exit', `${where}: exit ${r.code} without a message:\n${r.stdout}\n${r.stderr}`);
            continue;
          }
          if (results.length !== sc.steps) note('exit', `${where}: ${results.length} result lines for ${sc.steps} steps`);
          const view = await witnessView(sc);
          for (const res of results) {
            figures.byMark[res.mark]++;
            const planned = plannedOf.get(res.id);
            if (!planned) {
              note('exit', `${where}: a result for ${res.id}, which the plan does not have`);
              continue;
            }
            if (res.mark === '✓' || res.mark === '=') {
              figures.stepsVerified++;
              const why = await notInEffect(sc, view, planned.step);
              if (why) {
                figures.wrongReports++;
                note(why.includes('times') || why.includes(' AD users') ? 'doubled' : 'lost', `${where}: ${res.id} reported "${res.mark} ${res.message}" but ${why}`);
              }
            } else {
              figures.notDone.push(`${res.mark} ${res.id} ${res.message}`);
              const subject = lower(stepSubject(planned));
              if (!lower(res.message).includes(subject)) note('exit', `${where}: "${res.mark} ${res.id} ${res.message}" does not name ${subject}`);
            }
          }
          const allDone = results.every((x) => x.mark === '✓' || x.mark === '=');
          if (allDone !== (r.code === 0)) note('exit', `${where}: exit ${r.code ?? r.signal} with ${allDone ? 'every step done' : 'steps not done'}`);
          if (!allDone && !/run apply again/i.test(r.stdout)) note('exit', `${where}: steps not done but no "run apply again"`);
          finished = r.code === 0;
        }
        for (let n = 0; n < CLEAN_RUNS && !finished; n++) {
          const r = await w.cli(args);
          figures.cleanRuns++;
          printed.push(r.stdout, r.stderr);
          if (/^[!✗] s\d{3} /m.test(r.stdout)) note('lost', `clean run ${n + 1}: ${r.stdout.split('\n').filter((l) => /^[!✗] /.test(l)).join('\n')}`);
          finished = r.code === 0;
        }
        if (!finished) note('lost', `apply did not finish within ${CLEAN_RUNS} runs after the storm`);

        const view = await witnessView(sc);
        const secrets = printedSecrets(sc, view, printed);
        figures.secretsPrinted += secrets;
        if (secrets > 0) note('exit', `a secret was printed ${secrets} time(s)`);
        for (const f of (await endStateFindings(sc, view)).findings) note(f.kind, f.text);
      } finally {
        await w.close();
      }

      figures.rounds++;
      if (findings.some((f) => f.kind === 'doubled')) figures.doubled++;
      if (findings.some((f) => f.kind === 'lost')) figures.lost++;
      figures.findings.push(...findings.map((f) => `${f.kind}: ${f.text}`));
      figures.roundMs.push(Date.now() - started);
      expect(faultedThisRound, 'the storm faulted no request').toBeGreaterThan(0);
      expect(findings.map((f) => `${f.kind}: ${f.text}`)).toEqual([]);
    });
  }
});
