// Who signs in to the lab, from the command line: `lab up` prints one token per identity, labelled;
// the in-process lab exposes them by name; `--lab-identity` picks one for `snapshot/plan/apply --lab`.
import { mkdtempSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLab, LAB_ENDPOINT_FILE } from '../../../src/cli/lab.js';
import { runSnapshot } from '../../../src/cli/snapshot.js';
import { startLab } from '../../../src/lab/in-process-lab.js';
import { decodeLabToken } from '../../../src/lab/identities.js';
import { readSnapshotFile } from '../../../src/observe/snapshot-file.js';
import { captureIo } from '../../helpers/cli-io.js';
import { PACKAGE_ROOT } from '../../../src/meta/version.js';

const MANIFEST = join(PACKAGE_ROOT, 'examples/lab/manifest.yaml');

describe('lab identities from the command line', () => {
  it('lab up prints one labelled token line per identity and keeps them in its endpoint file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lab-ids-'));
    const up = captureIo(cwd);
    let endpoint: { token: string; tokens: Record<string, string> } | null = null;
    const code = await runLab(up.io, { action: 'up' }, {
      waitForStop: async () => {
        endpoint = JSON.parse(await readFile(join(cwd, '.entra-soa/lab', LAB_ENDPOINT_FILE), 'utf8')) as { token: string; tokens: Record<string, string> };
        return 'test finished';
      },
    });
    expect(code).toBe(0);
    const text = up.text();
    const line = (name: string) => text.split('\n').find((l) => l.trimStart().startsWith(`${name} `)) ?? '';
    expect(line('application')).toMatch(/application \(app-only\) with the application permissions entra-soa documents.*: [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(line('global-admin')).toMatch(/signed-in Global Administrator \(delegated\): [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(line('hybrid-admin')).toMatch(/Hybrid Identity Administrator, eligible \(not active\) for Global Administrator/);
    expect(endpoint!.token).toBe(endpoint!.tokens['global-admin']);
    expect(line('application').endsWith(endpoint!.tokens['application']!)).toBe(true);
    expect(decodeLabToken(endpoint!.tokens['application']!)?.idtyp).toBe('app');
  });

  it('startLab exposes the tokens by name; lab.token is the Global Administrator', async () => {
    const lab = await startLab();
    try {
      expect(lab.identities.map((i) => i.name)).toEqual(['application', 'global-admin', 'hybrid-admin', 'global-reader']);
      expect(lab.token).toBe(lab.tokens['global-admin']);
      const res = await fetch(`${lab.graphUrl}/v1.0/directory/onPremisesSynchronization`, { headers: { authorization: `Bearer ${lab.tokens['application']}` } });
      expect(res.status).toBe(403);
    } finally {
      await lab.close();
    }
  });

  it('snapshot --lab --lab-identity: an unknown name lists the identities; the application is refused the sync settings (Graph 403), which the snapshot records as unknown', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lab-ids-snap-'));
    const base = { file: MANIFEST, out: 'state.json', lab: true } as const;
    const unknown = captureIo(cwd, {}, { mergeStderr: true });
    expect(await runSnapshot(unknown.io, { ...base, labIdentity: 'root' })).toBe(1);
    expect(unknown.text()).toContain('--lab-identity "root" is not a lab identity; use one of application, global-admin, hybrid-admin, global-reader');
    const app = captureIo(cwd, {}, { mergeStderr: true });
    expect(await runSnapshot(app.io, { ...base, labIdentity: 'application' })).toBe(0);
    expect(app.text()).toMatch(/sync features and accidental-deletion threshold were not read \(Graph 403 Authorization_RequestDenied\)/);
    // read back with the product's reader (formatVersion 2, JSON Lines)
    const state = (await readSnapshotFile(join(cwd, 'state.json'))).snapshot!;
    expect([state.state.tenant.features, state.state.tenant.accidentalDeletionPrevention]).toEqual([null, null]);
    const admin = captureIo(cwd, {}, { mergeStderr: true });
    expect(await runSnapshot(admin.io, { ...base, labIdentity: 'global-admin' })).toBe(0);
  });
});
