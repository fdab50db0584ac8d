/**
 * `entra-soa drift` as a user runs it (the built CLI): the four report files, exit codes 0 / 2 / 1,
 * a partial read that must not say "in sync", an unreadable source, `--since`, the lab, and
 * report.json against schema/drift-report.schema.json.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT, runCliSync } from '../helpers/cli-process.js';

/** Parsed JSON / YAML documents (the tests assert on their fields). */
type Json = ReturnType<typeof JSON.parse>;

const EXAMPLE = join(ROOT, 'examples', 'sync-switch');
const SNAPSHOT = join(EXAMPLE, 'snapshot.json');
const MANIFEST = join(EXAMPLE, 'manifest.yaml');

let tmp = '';
const cli = (args: string[], cwd = tmp) => runCliSync(args, { cwd });
const read = (dir: string, f: string) => readFileSync(join(tmp, dir, f), 'utf8');
const reportOf = (dir: string) => JSON.parse(read(dir, 'report.json'));

const ajv = new Ajv({ allErrors: true, strict: true });
// ajv-formats is CommonJS: its default export is the module object under NodeNext
const addFormats = addFormatsModule as unknown as { default: (a: Ajv) => void };
addFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schema', 'drift-report.schema.json'), 'utf8')));

/** The test cases of a JUnit file: name and the failure / error element, if any. */
function junitCases(xml: string): { name: string; failure: boolean; error: boolean }[] {
  return [...xml.matchAll(/<testcase [^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/testcase>/g)].map((m) => ({
    name: m[1] ?? '',
    failure: (m[2] ?? '').includes('<failure '),
    error: (m[2] ?? '').includes('<error '),
  }));
}

/** A copy of the example snapshot with `change` applied to its state. */
function snapshotWith(name: string, change: (state: Json) => void): string {
  const snap = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
  change(snap.state);
  const file = join(tmp, name);
  writeFileSync(file, JSON.stringify(snap, null, 2));
  return file;
}

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  tmp = mkdtempSync(join(tmpdir(), 'entra-soa-drift-'));
});
afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

describe('drift on a drifted snapshot', () => {
  let run: ReturnType<typeof cli>;
  beforeAll(() => {
    run = cli(['drift', '-f', MANIFEST, '--snapshot', SNAPSHOT, '--report-dir', 'drifted']);
  });

  it('exits 2 and writes the four files', () => {
    expect(run.stderr).toContain('Wrote drifted/report.json, drifted/report.md, drifted/report.html and drifted/junit.xml.');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('Drifted: 10 objects drifted in 2 of 2 rules.\n');
  });

  it('report.json is a valid versioned document with the plan inside', () => {
    const report = reportOf('drifted');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ kind: 'entra-soa/drift-report', formatVersion: 1, status: 'drifted', plan: { kind: 'entra-soa/plan' } });
    expect(report.rules.map((r: Json) => [r.name, r.checked, r.drifted, r.status])).toEqual([
      ['sales-to-cloud', 8, 8, 'drifted'],
      ['it-staff-to-cloud', 2, 2, 'drifted'],
    ]);
    // every drifted object's steps exist in the embedded plan, and every plan step is accounted for
    const stepIds = new Set(report.plan.steps.map((s: Json) => s.id));
    const listed = report.drifted.flatMap((o: Json) => o.stepIds);
    expect(listed.every((id: string) => stepIds.has(id))).toBe(true);
    expect(new Set(listed).size).toBe(stepIds.size);
    // hugo holds an admin role: no step, but drifted (blocked)
    expect(report.drifted.find((o: Json) => o.objectKey === 'user/hugo.weber@contoso.com')).toEqual({
      objectKey: 'user/hugo.weber@contoso.com',
      rule: 'sales-to-cloud',
      stepIds: [],
      blockedBy: ['privileged-role'],
    });
    expect(report.byKind.find((k: Json) => k.kind === 'entra.setCloudManaged')).toEqual({ kind: 'entra.setCloudManaged', objects: 8, steps: 8 });
  });

  it('report.md leads with the per-rule summary and stays under 65,000 characters', () => {
    const md = read('drifted', 'report.md');
    expect(md.length).toBeLessThanOrEqual(65_000);
    expect(md.startsWith('## ⚠️ entra-soa drift: DRIFTED\n')).toBe(true);
    const rules = md.indexOf('### Rules');
    expect(rules).toBeGreaterThan(0);
    expect(rules).toBeLessThan(md.indexOf('### Hazards'));
    expect(md.indexOf('### Hazards')).toBeLessThan(md.indexOf('### Drifted objects (10)'));
    expect(md).toMatch(/\| `sales-to-cloud` <sub>[^|]*manifest\.yaml:20:5<\/sub> \| users \| cloud via sourceOfAuthority \| 8 \| 0 \| 8 \| 0 \| drifted \|/);
    expect(md).toContain('-     isCloudManaged: false\n+     isCloudManaged: true');
  });

  it('junit.xml has one failing test case per drifted rule', () => {
    const xml = read('drifted', 'junit.xml');
    expect(xml).toMatch(/<testsuites name="entra-soa drift" tests="2" failures="2" errors="0"/);
    expect(junitCases(xml)).toEqual([
      { name: expect.stringMatching(/^rule sales-to-cloud \(.*manifest\.yaml:20:5\)$/), failure: true, error: false },
      { name: expect.stringMatching(/^rule it-staff-to-cloud \(/), failure: true, error: false },
    ]);
    expect(xml).toContain('message="8 of 8 users drifted from the manifest (cloud via sourceOfAuthority)"');
    expect(xml).toContain('isCloudManaged: false -&gt; true');
  });

  it('report.html is one file that fetches nothing', () => {
    const html = read('drifted', 'report.html');
    expect(html).toContain('<span class="status drifted" id="status">DRIFTED</span>');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(html.match(/<svg /g)?.length).toBe(2);
  });
});

describe('drift of an exported manifest: in sync', () => {
  it('exits 0, says in sync in every format', () => {
    const exported = cli(['export', '--snapshot', SNAPSHOT, '--out', 'exported.yaml']);
    expect(exported.code, exported.stderr).toBe(0);
    const r = cli(['drift', '-f', 'exported.yaml', '--snapshot', SNAPSHOT, '--report-dir', 'in-sync']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^In sync: the 32 objects 6 rules govern match the manifest\.\n$/);
    const report = reportOf('in-sync');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.status).toBe('in-sync');
    expect(report.drifted).toEqual([]);
    expect(report.summary).toMatchObject({ drifted: 0, unread: 0, inSync: report.summary.checked });
    const cases = junitCases(read('in-sync', 'junit.xml'));
    expect(cases.length).toBe(report.rules.length);
    expect(cases.every((c) => !c.failure && !c.error)).toBe(true);
    expect(read('in-sync', 'report.md')).toContain('## ✅ entra-soa drift: IN SYNC');
    expect(read('in-sync', 'report.html')).toContain('id="status">IN SYNC</span>');
  });
});

describe('a partial read is never "in sync"', () => {
  it('unreadable sync features (application sign-in): exit 1, "could not read" in every format', () => {
    // the state matches the exported manifest except that the features could not be read
    const partial = snapshotWith('partial.json', (s) => {
      s.tenant.features = null;
      s.tenant.accidentalDeletionPrevention = null;
    });
    const r = cli(['drift', '-f', 'exported.yaml', '--snapshot', partial, '--report-dir', 'partial']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Incomplete: could not read the tenant sync features, the accidental-deletion threshold; in what could be compared, 0 objects drifted in 0 of 6 rules.\n');
    expect(r.stderr).toContain('could not read: the tenant\'s sync features (blockCloudObjectTakeoverThroughHardMatch, blockSoftMatch, softMatchOnUpn) could not be read');
    const report = reportOf('partial');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.status).toBe('incomplete');
    expect(report.unread.map((u: Json) => [u.subject, u.rules])).toEqual([
      ['tenant-sync-features', ['tenant']],
      ['deletion-threshold', ['tenant']],
    ]);
    const tenant = report.rules.find((x: Json) => x.name === 'tenant');
    expect(tenant).toMatchObject({ checked: 5, unread: 4, drifted: 0, status: 'unread' });
    // the planner's guess at the unread features is not reported as drift
    expect(report.drifted).toEqual([]);
    const xml = read('partial', 'junit.xml');
    expect(junitCases(xml).find((c) => c.name.startsWith('tenant settings'))).toMatchObject({ error: true, failure: false });
    expect(xml).toMatch(/errors="1"/);
    const md = read('partial', 'report.md');
    expect(md).toContain('## ⛔ entra-soa drift: INCOMPLETE');
    expect(md).toContain('### Could not read');
    expect(md).not.toMatch(/IN SYNC|In sync:/);
    const html = read('partial', 'report.html');
    expect(html).toContain('id="status">INCOMPLETE</span>');
    expect(html).toContain('<section id="unread"');
  });

  it('an unreadable source still writes a report that says so, with exit 1', () => {
    const r = cli(['drift', '-f', MANIFEST, '--snapshot', 'missing.json', '--report-dir', 'unreadable']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot read the snapshot missing.json: no such file');
    const report = reportOf('unreadable');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ status: 'incomplete', plan: null, source: null, drifted: [] });
    expect(report.unread).toEqual([{ subject: 'directories', message: expect.stringContaining('missing.json'), rules: ['sales-to-cloud', 'it-staff-to-cloud'] }]);
    const cases = junitCases(read('unreadable', 'junit.xml'));
    expect(cases.map((c) => c.error)).toEqual([true, true]);
  });
});

describe('--since', () => {
  it('reports what drifted since the previous report and what was resolved', () => {
    // alice was converted and cleared since the first report; a new rule makes a Finance user drift
    const later = snapshotWith('later.json', (s) => {
      const alice = s.entra.users.find((u: Json) => u.userPrincipalName === 'alice.ng@contoso.com');
      Object.assign(alice, { isCloudManaged: true, onPremisesSyncEnabled: null, onPremisesImmutableId: null });
      for (const k of Object.keys(alice)) if (k.startsWith('onPremises') && k !== 'onPremisesSyncEnabled') alice[k] = null;
    });
    const finance = s0FinanceUpn();
    const manifest = join(tmp, 'since.yaml');
    writeFileSync(manifest, `${readFileSync(MANIFEST, 'utf8')}  - name: one-more\n    select: { upn: ${finance} }\n    authority: cloud\n    method: sourceOfAuthority\n`);
    const r = cli(['drift', '-f', manifest, '--snapshot', later, '--report-dir', 'since', '--since', 'drifted/report.json']);
    expect(r.code, r.stderr).toBe(2);
    const report = reportOf('since');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.since).toMatchObject({
      file: 'drifted/report.json',
      status: 'drifted',
      newlyDrifted: [{ objectKey: `user/${finance}`, rule: 'one-more' }],
      resolved: [{ objectKey: 'user/alice.ng@contoso.com', rule: 'sales-to-cloud' }],
      unknownNow: [],
      stillDrifted: 9,
      previousComplete: true,
    });
    expect(r.stdout).toContain('1 newly drifted, 1 resolved, 9 still drifted.');
    expect(read('since', 'report.md')).toContain('- **Resolved** (1): `user/alice.ng@contoso.com` (sales-to-cloud)');
    expect(read('since', 'report.html')).toContain('<strong data-count="resolved">1</strong> resolved');
  });

  it('refuses a --since file that is not a drift report, before reading anything', () => {
    const r = cli(['drift', '-f', MANIFEST, '--snapshot', SNAPSHOT, '--report-dir', 'refused', '--since', SNAPSHOT]);
    expect(r.code).toBe(1);
    // named as every command names a document of another kind (src/cli/read-document.ts)
    expect(r.stderr).toContain(`${SNAPSHOT} is an entra-soa snapshot, not an entra-soa drift report (the state of both directories, saved by entra-soa snapshot)`);
    expect(existsSync(join(tmp, 'refused'))).toBe(false);
  });
});

describe('usage errors write nothing', () => {
  it('an invalid manifest, or two sources, exit 1 without a report', () => {
    writeFileSync(join(tmp, 'bad.yaml'), 'apiVersion: entra-soa/v1\ntenant: {}\n');
    const bad = cli(['drift', '-f', 'bad.yaml', '--snapshot', SNAPSHOT, '--report-dir', 'bad']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('No report was written');
    const two = cli(['drift', '-f', MANIFEST, '--snapshot', SNAPSHOT, '--lab', '--report-dir', 'two']);
    expect(two.code).toBe(1);
    expect(two.stderr).toContain('--snapshot and --lab both name where the state comes from');
    expect(existsSync(join(tmp, 'bad'))).toBe(false);
    expect(existsSync(join(tmp, 'two'))).toBe(false);
  });
});

describe('drift against the lab', () => {
  it('reads the lab through the Graph emulator and reports the sample manifest as drifted', () => {
    const r = runCliSync(['drift', '-f', join(ROOT, 'examples', 'lab', 'manifest.yaml'), '--lab', '--report-dir', 'lab-report'], { cwd: tmp });
    expect(r.code, r.stderr).toBe(2);
    const report = reportOf('lab-report');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report.source).toMatch(/^lab \(Graph emulator 127\.0\.0\.1:\d+/);
    expect(report.rules.map((x: Json) => x.name)).toEqual(['tenant', 'sales-to-cloud', 'link-contractors', 'link-riley', 'sales-team-to-cloud']);
    expect(report.rules.filter((x: Json) => x.status === 'drifted').map((x: Json) => x.name)).toEqual(
      expect.arrayContaining(['sales-to-cloud', 'link-contractors', 'sales-team-to-cloud']),
    );
  }, 120_000);
});

/** A Finance user of the example (not selected by the example's rules). */
function s0FinanceUpn(): string {
  const snap = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
  const ad = snap.state.ad.users.find((u: Json) => u.dn.includes('OU=Finance,'));
  return String(ad.userPrincipalName).toLowerCase();
}
