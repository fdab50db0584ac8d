/** The manifest options of issue 7: exclude:, setImmutableId, requirePasswordChange, passwordHashSync, sync.deletionWaves. */
import { describe, expect, it } from 'vitest';
import { loadManifestText } from '../../../src/manifest/load.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import { MINIMAL_HEADER, withHeader } from './fixtures.js';

/** The minimal manifest header with extra `tenant:` lines. */
const HEADER_WITH_TENANT = (tenantExtra: string) => withHeader('', MINIMAL_HEADER.replace('activeDirectory:', `${tenantExtra}activeDirectory:`));
const codesAt = (ds: readonly Diagnostic[]) => ds.map((d) => `${d.location?.line}:${d.location?.col} ${d.severity} ${d.code}`);

describe('manifest options of issue 7', () => {
  it('exclude: (nested), tenant.passwordHashSync, sync.deletionWaves → normalised', () => {
    const text = `${HEADER_WITH_TENANT('  passwordHashSync: true\n')}users:
  - name: all-but-admins
    select:
      all: true
      exclude:
        - { upnGlob: "admin*@contoso.com" }
        - { ou: "OU=Service,DC=contoso,DC=com", exclude: [ { samAccountName: keep } ] }
    authority: cloud
    method: sourceOfAuthority
groups:
  - name: groups
    select: { all: true, exclude: [ { displayName: Finance } ] }
    authority: cloud
sync:
  deletionWaves: true
`;
    const r = loadManifestText(text, 'm.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.desired?.tenant.passwordHashSync).toBe(true);
    expect(r.desired?.sync.deletionWaves).toBe(true);
    expect(r.desired?.users[0]?.selector).toEqual({
      kind: 'all',
      exclude: [
        { kind: 'upnGlob', glob: 'admin*@contoso.com' },
        { kind: 'ou', dn: 'OU=Service,DC=contoso,DC=com', exclude: [{ kind: 'samAccountName', name: 'keep' }] },
      ],
    });
    expect(r.desired?.groups[0]?.selector).toEqual({ kind: 'all', exclude: [{ kind: 'displayName', name: 'Finance' }] });
  });

  it('a soft link with setImmutableId and requirePasswordChange → normalised; defaults false', () => {
    const text = `${HEADER_WITH_TENANT('')}users:
  - name: prepare
    select: { upn: a@contoso.com }
    authority: onPremises
    link: soft
    setImmutableId: true
    createIn: OU=Staff,DC=contoso,DC=com
    requirePasswordChange: true
  - name: plain
    select: { upn: b@contoso.com }
    authority: onPremises
    link: soft
`;
    const r = loadManifestText(text, 'm.yaml');
    expect(r.diagnostics).toEqual([]);
    expect(r.desired?.users.map((u) => (u.authority === 'onPremises' ? [u.setImmutableId, u.requirePasswordChange] : null))).toEqual([
      [true, true],
      [false, false],
    ]);
  });

  it('setImmutableId with link: hard → error set-immutable-id-requires-soft; requirePasswordChange without createIn → warning', () => {
    const text = `${HEADER_WITH_TENANT('')}users:
  - name: hard
    select: { upn: a@contoso.com }
    authority: onPremises
    link: hard
    setImmutableId: true
  - name: soft
    select: { upn: b@contoso.com }
    authority: onPremises
    link: soft
    requirePasswordChange: true
`;
    const r = loadManifestText(text, 'm.yaml');
    expect(codesAt(r.diagnostics)).toEqual(['16:5 error set-immutable-id-requires-soft', '21:5 warning password-change-requires-create-in']);
    expect(r.desired).toBeNull();
  });

  it('setImmutableId / requirePasswordChange on a cloud rule → schema errors; an empty exclude list → schema error', () => {
    const cloud = `${HEADER_WITH_TENANT('')}users:
  - select: { upn: a@contoso.com }
    authority: cloud
    method: sourceOfAuthority
    setImmutableId: true
  - select: { all: true, exclude: [] }
    authority: cloud
    method: sourceOfAuthority
`;
    const r = loadManifestText(cloud, 'm.yaml');
    expect(r.desired).toBeNull();
    expect(r.diagnostics.length).toBeGreaterThanOrEqual(2);
    expect(r.diagnostics.every((d) => d.severity === 'error')).toBe(true);
  });

  it('an OU inside an exclude: list outside the base DN → dn-outside-base at that entry', () => {
    const text = `${HEADER_WITH_TENANT('')}users:
  - name: x
    select: { all: true, exclude: [ { ou: "OU=Elsewhere,DC=fabrikam,DC=com" } ] }
    authority: cloud
    method: sourceOfAuthority
`;
    const r = loadManifestText(text, 'm.yaml');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['dn-outside-base']);
    expect(r.diagnostics[0]?.message).toContain('rule "x": select.exclude.0.ou');
  });

  it('two rules with the same selector but different excludes are not the same selector', () => {
    const text = `${HEADER_WITH_TENANT('')}users:
  - name: a
    select: { all: true, exclude: [ { upn: x@contoso.com } ] }
    authority: cloud
    method: sourceOfAuthority
  - name: b
    select: { all: true }
    authority: cloud
    method: sourceOfAuthority
`;
    expect(loadManifestText(text, 'm.yaml').diagnostics).toEqual([]);
  });
});
