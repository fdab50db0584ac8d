/**
 * `entra-soa export` as a user runs it (the built CLI): the starter manifest of every example
 * snapshot and of the lab's sample company plans no changes against the same state; settings given
 * by -f or flags are kept; no secret is written; what cannot be read is left out with a comment.
 */
import { existsSync, symlinkSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { MAIN, ROOT, runCliSync } from '../helpers/cli-process.js';

/** Parsed JSON / YAML documents (the tests assert on their fields). */
type Json = ReturnType<typeof JSON.parse>;

const EXAMPLES = join(ROOT, 'examples');
const withSnapshot = readdirSync(EXAMPLES).filter((d) => existsSync(join(EXAMPLES, d, 'snapshot.json'))).sort();

let tmp = '';
const cli = (args: string[]) => runCliSync(args, { cwd: tmp });

beforeAll(() => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.json, or npm test)`);
  tmp = mkdtempSync(join(tmpdir(), 'entra-soa-export-'));
});
afterAll(() => {
  if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
});

describe('export of every example snapshot plans no changes', () => {
  it('covers the examples', () => {
    expect(withSnapshot).toEqual(['groups-and-features', 'hard-link', 'scope-removal', 'soft-link', 'sync-switch', 'tenant-disable']);
  });

  it.each(withSnapshot)('%s', (name) => {
    const snapshot = join(EXAMPLES, name, 'snapshot.json');
    const out = `${name}.yaml`;
    const exported = cli(['export', '--snapshot', snapshot, '--out', out]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.stderr).toMatch(/^wrote .*: \d+ cloud-managed and \d+ linked users in \d+ user rules/);
    const text = readFileSync(join(tmp, out), 'utf8');
    expect(cli(['validate', out]).code).toBe(0);
    const planned = cli(['plan', '-f', out, '--snapshot', snapshot, '--detailed-exitcode']);
    expect(planned.stdout).toContain('No changes. The directories match the manifest.');
    expect(planned.code, planned.stdout + planned.stderr).toBe(0);
    // the inferred sync scope is the one the example's own manifest gives
    const exportedScope = (parseDocument(text).toJS()).activeDirectory.syncScope;
    const exampleScope = (parseDocument(readFileSync(join(EXAMPLES, name, 'manifest.yaml'), 'utf8')).toJS()).activeDirectory.syncScope;
    if (name === 'hard-link') {
      // its contractors' AD accounts are in scope but not synced yet (their cloud users are not linked):
      // from the state alone they look out of scope, so the inference excludes their OU
      expect(exportedScope).toEqual({ include: exampleScope.include, exclude: ['OU=Contractors,OU=Staff,DC=contoso,DC=com', ...exampleScope.exclude] });
    } else {
      expect(exportedScope.include).toEqual(exampleScope.include);
      expect(exportedScope.exclude).toEqual(exampleScope.exclude ?? []);
    }
  });

  it('describes who is cloud-managed and who is linked, by OU where shorter, with comments and no secret', () => {
    const text = readFileSync(join(tmp, 'sync-switch.yaml'), 'utf8');
    const doc = parseDocument(text);
    const users = (doc.toJS()).users as Json[];
    expect(users.map((u) => [u.name, Object.keys(u.select)[0], u.authority])).toEqual([
      ['cloud-managed-users', 'upns', 'cloud'],
      ['linked-contractors', 'ou', 'onPremises'],
      ['linked-finance', 'ou', 'onPremises'],
      ['linked-it', 'ou', 'onPremises'],
      ['linked-users', 'upns', 'onPremises'],
    ]);
    expect(users[0].select.upns).toEqual(['dora.lee@contoso.com', 'elena.rossi@contoso.com']);
    expect(text).toMatch(/^# Starter manifest written by entra-soa export /);
    expect(text).toContain('  # 7 users in OU=Finance,OU=Staff,DC=contoso,DC=com: all synced from their AD user');
    expect(text).toContain('# TODO: the LDAPS URL of a domain controller');
    expect(text).toContain('bindPasswordEnv: ENTRA_SOA_AD_PASSWORD');
    expect(text).not.toMatch(/(password|secret|token)\s*:/i);
    expect((doc.toJS()).tenant).toEqual({
      id: '6f1c2d9e-0000-4000-8000-000000000001',
      directorySync: 'enabled',
      features: { blockSoftMatch: false, blockCloudObjectTakeoverThroughHardMatch: true, softMatchOnUpn: false },
      accidentalDeletionThreshold: 500,
    });
  });
});

describe('export of the lab sample company', () => {
  it('plans no changes against the lab', () => {
    const exported = cli(['export', '--lab', '--out', 'lab.yaml']);
    expect(exported.code, exported.stderr).toBe(0);
    const text = readFileSync(join(tmp, 'lab.yaml'), 'utf8');
    const js = parseDocument(text).toJS();
    expect(js.tenant.id).toBe('a1b2c3d4-0000-4000-8000-1abe7a3b1e01');
    expect(js.activeDirectory.syncScope.include).toEqual(['OU=Staff,DC=lab,DC=example,DC=test']);
    expect(js.users.length).toBeGreaterThan(0);
    expect(js.users.some((u: Json) => u.select.ou !== undefined)).toBe(true);
    const planned = cli(['plan', '-f', 'lab.yaml', '--lab', '--detailed-exitcode']);
    expect(planned.stdout).toContain('No changes. The directories match the manifest.');
    expect(planned.code, planned.stderr).toBe(0);
    const drift = cli(['drift', '-f', 'lab.yaml', '--lab', '--report-dir', 'lab-drift']);
    expect(drift.code, drift.stderr).toBe(0);
  }, 120_000);
});

describe('settings given, and what cannot be read', () => {
  const snapshot = join(EXAMPLES, 'hard-link', 'snapshot.json');

  it('takes the connection, source anchor and sync scope from -f, and flags win', () => {
    const r = cli(['export', '-f', join(EXAMPLES, 'hard-link', 'manifest.yaml'), '--snapshot', snapshot, '--out', 'given.yaml', '--sync-scope-include', 'OU=Staff,DC=contoso,DC=com', '--unsynced-ou', 'OU=Gone,DC=contoso,DC=com']);
    expect(r.code, r.stderr).toBe(0);
    const js = parseDocument(readFileSync(join(tmp, 'given.yaml'), 'utf8')).toJS();
    expect(js.activeDirectory.connection).toEqual({ url: 'ldaps://dc1.contoso.com', baseDn: 'DC=contoso,DC=com', bindDn: 'CN=svc-entra-soa,OU=Service,DC=contoso,DC=com', bindPasswordEnv: 'ENTRA_SOA_AD_PASSWORD' });
    expect(js.activeDirectory.syncScope).toEqual({ include: ['OU=Staff,DC=contoso,DC=com'], exclude: [] });
    expect(js.activeDirectory.unsyncedOu).toBe('OU=Gone,DC=contoso,DC=com');
    expect(cli(['plan', '-f', 'given.yaml', '--snapshot', snapshot, '--detailed-exitcode']).code).toBe(0);
  });

  it('leaves the sync features out, with a comment, when they could not be read (application sign-in)', () => {
    const snap = JSON.parse(readFileSync(snapshot, 'utf8'));
    snap.state.tenant.features = null;
    snap.state.tenant.accidentalDeletionPrevention = null;
    writeFileSync(join(tmp, 'app-only.json'), JSON.stringify(snap));
    const r = cli(['export', '--snapshot', 'app-only.json', '--out', 'app-only.yaml']);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(join(tmp, 'app-only.yaml'), 'utf8');
    expect((parseDocument(text).toJS()).tenant).toEqual({ id: '6f1c2d9e-0000-4000-8000-000000000001', directorySync: 'enabled' });
    expect(text).toContain('# features and accidentalDeletionThreshold are left out: they could not be read');
    expect(cli(['plan', '-f', 'app-only.yaml', '--snapshot', 'app-only.json', '--detailed-exitcode']).code).toBe(0);
  });

  it('refuses to overwrite its input, and a live export names the settings it lacks', () => {
    writeFileSync(join(tmp, 'in.yaml'), readFileSync(join(EXAMPLES, 'hard-link', 'manifest.yaml')));
    const same = cli(['export', '-f', 'in.yaml', '--snapshot', snapshot, '--out', 'in.yaml']);
    expect(same.code).toBe(1);
    expect(same.stderr).toContain('--out in.yaml is also an input of this export');
    // a link to the input is the input, --force or not
    symlinkSync(join(tmp, 'in.yaml'), join(tmp, 'link.yaml'));
    const before = readFileSync(join(tmp, 'in.yaml'), 'utf8');
    const linked = cli(['export', '-f', 'in.yaml', '--snapshot', snapshot, '--out', 'link.yaml', '--force']);
    expect(linked.code).toBe(1);
    expect(linked.stderr).toContain('--out link.yaml is also an input of this export');
    expect(readFileSync(join(tmp, 'in.yaml'), 'utf8')).toBe(before);
    const live = cli(['export', '--out', 'live.yaml', '--ad-url', 'ldaps://127.0.0.1:1']);
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('a live export without -f needs --tenant-id, --ad-base-dn, --ad-bind-dn, --ad-password-env');
    expect(existsSync(join(tmp, 'live.yaml'))).toBe(false);
  });

  it('writes to stdout with --out=-', () => {
    const r = cli(['export', '--snapshot', snapshot, '--out=-']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Starter manifest/);
    expect(r.stderr).toMatch(/^exported: /);
  });
});
