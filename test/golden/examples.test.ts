/** The committed examples are what the generator writes, and they are internally consistent. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guidToImmutableId } from '../../src/model/anchor.js';
import { parseSnapshot } from '../../src/observe/snapshot.js';

const ROOT = join(import.meta.dirname, '..', '..');
const EXAMPLES = ['sync-switch', 'scope-removal', 'tenant-disable', 'hard-link', 'soft-link', 'groups-and-features'];

describe('examples', () => {
  it('match scripts/gen-examples.mjs (run it after changing the generator)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'gen-examples.mjs'), '--check'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  describe.each(EXAMPLES)('%s', (name) => {
    const manifest = readFileSync(join(ROOT, 'examples', name, 'manifest.yaml'), 'utf8');
    const parsed = parseSnapshot(readFileSync(join(ROOT, 'examples', name, 'snapshot.json'), 'utf8'), 'snapshot.json');

    it('has a manifest for the editor schema and the snapshot tenant', () => {
      expect(manifest.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/manifest.schema.json');
      expect(parsed.diagnostics).toEqual([]);
      expect(manifest).toContain(`  id: ${parsed.snapshot?.state.tenant.tenantId}\n`);
    });

    it('has every synced Entra user carrying the anchor of exactly one AD user', () => {
      const state = parsed.snapshot?.state;
      expect(state).toBeDefined();
      const anchors = new Map<string, string>();
      for (const u of state?.ad.users ?? []) anchors.set(guidToImmutableId(u.consistencyGuid ?? u.objectGuid), u.dn);
      const synced = (state?.entra.users ?? []).filter((u) => u.onPremisesSyncEnabled === true);
      expect(synced.length).toBeGreaterThan(10);
      for (const u of synced) expect(anchors.get(u.onPremisesImmutableId ?? ''), u.userPrincipalName).toMatch(/^CN=/);
      const ids = synced.map((u) => u.onPremisesImmutableId);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('is a company of a few dozen users with admins and one duplicate address', () => {
      const state = parsed.snapshot?.state;
      expect(state?.ad.users.length).toBeGreaterThanOrEqual(30);
      expect((state?.entra.users ?? []).some((u) => (u.roles ?? []).some((r) => r.privileged))).toBe(true);
      const owners = (state?.ad.users ?? []).filter((u) => u.proxyAddresses.includes('smtp:sales@contoso.com'));
      expect(owners.map((u) => u.samAccountName).sort()).toEqual(['bcosta', 'cmartin']);
    });
  });
});
