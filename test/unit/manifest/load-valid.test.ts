import { describe, expect, it } from 'vitest';
import { loadManifestFile, loadManifestText } from '../../../src/manifest/load.js';
import type { DesiredState } from '../../../src/model/desired.js';
import { sha256Hex } from '../../../src/model/fingerprint.js';
import { fixturePath, fixtureText } from './fixtures.js';

const at = (line: number, col: number) => ({ file: 'full.yaml', line, col });

describe('loading a valid manifest', () => {
  it('full.yaml → the DesiredState with every field, default and location', async () => {
    const result = await loadManifestFile(fixturePath('full.yaml'), 'full.yaml');

    const expected: DesiredState = {
      file: 'full.yaml',
      digest: sha256Hex(fixtureText('full.yaml')),
      tenant: {
        id: '6f1c2d9e-0000-4000-8000-000000000001',
        directorySync: 'enabled',
        features: { blockSoftMatch: true, blockCloudObjectTakeoverThroughHardMatch: true, softMatchOnUpn: false },
        accidentalDeletionThreshold: 500,
        graphEndpoint: 'https://graph.microsoft.com',
        location: at(3, 1),
      },
      activeDirectory: {
        connection: {
          url: 'ldaps://dc1.contoso.com',
          baseDn: 'DC=contoso,DC=com',
          bindDn: 'CN=svc-entra-soa,OU=Service,DC=contoso,DC=com',
          bindPasswordEnv: 'ENTRA_SOA_AD_PASSWORD',
          caFile: fixturePath('contoso-ca.pem'),
          startTls: false,
        },
        sourceAnchor: 'mS-DS-ConsistencyGuid',
        syncScope: { include: ['OU=Staff,DC=contoso,DC=com'], exclude: ['OU=Disabled,OU=Staff,DC=contoso,DC=com'] },
        unsyncedOu: 'OU=Unsynced,DC=contoso,DC=com',
        location: at(12, 1),
      },
      users: [
        {
          name: 'sales-to-cloud',
          selector: { kind: 'ou', dn: 'OU=Sales,OU=Staff,DC=contoso,DC=com' },
          authority: 'cloud',
          method: 'sourceOfAuthority',
          clear: { immutableId: true, otherOnPremisesAttributes: true },
          location: at(26, 5),
        },
        {
          name: 'users[1]',
          selector: { kind: 'upns', upns: ['bob@contoso.com', 'carol@contoso.com'] },
          authority: 'cloud',
          method: 'scopeRemoval',
          clear: { immutableId: false, otherOnPremisesAttributes: false },
          location: at(33, 5),
        },
        {
          name: 'link-contractors',
          selector: { kind: 'upnGlob', glob: '*@contractors.contoso.com' },
          authority: 'onPremises',
          link: 'soft',
          counterpart: { by: 'mail' },
          createIn: 'OU=Contractors,OU=Staff,DC=contoso,DC=com',
          setImmutableId: false,
          requirePasswordChange: false,
          location: at(36, 5),
        },
        {
          name: 'rollback-dave',
          selector: { kind: 'samAccountName', name: 'dave' },
          authority: 'onPremises',
          link: 'hard',
          counterpart: { by: 'upn' },
          setImmutableId: false,
          requirePasswordChange: false,
          location: at(42, 5),
        },
      ],
      groups: [
        { name: 'convert-groups', selector: { kind: 'displayNames', names: ['Sales Team', 'Finance'] }, authority: 'cloud', location: at(47, 5) },
        { name: 'groups[1]', selector: { kind: 'displayName', name: 'Marketing' }, authority: 'cloud', location: at(50, 5) },
      ],
      allow: { disruptive: true, irreversible: false, exceedDeletionThreshold: false },
      sync: {
        timeoutS: 5400,
        pollIntervalS: 15,
        deletionWaves: false,
        triggerCommand: ['ssh', 'connect01', 'Start-ADSyncSyncCycle -PolicyType Delta'],
      },
    };
    expect(result.diagnostics).toEqual([]);
    expect(result.desired).toEqual(expected);
  });

  it('minimal.yaml → defaults: no managed tenant settings, whole base DN, allow all false, 2h / 30s', () => {
    const result = loadManifestText(fixtureText('minimal.yaml'), 'minimal.yaml');

    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.tenant).toEqual({
      id: '6f1c2d9e-0000-4000-8000-000000000001',
      features: {},
      location: { file: 'minimal.yaml', line: 2, col: 1 },
    });
    expect(result.desired?.activeDirectory.connection.startTls).toBe(false);
    expect(result.desired?.activeDirectory.connection.caFile).toBeUndefined();
    expect(result.desired?.activeDirectory.syncScope).toEqual({ include: [], exclude: [] });
    expect(result.desired?.activeDirectory.unsyncedOu).toBeUndefined();
    expect(result.desired?.users).toEqual([
      {
        name: 'users[0]',
        selector: { kind: 'all' },
        authority: 'cloud',
        method: 'sourceOfAuthority',
        clear: { immutableId: false, otherOnPremisesAttributes: false },
        location: { file: 'minimal.yaml', line: 12, col: 5 },
      },
    ]);
    expect(result.desired?.groups).toEqual([]);
    expect(result.desired?.allow).toEqual({ disruptive: false, irreversible: false, exceedDeletionThreshold: false });
    expect(result.desired?.sync).toEqual({ timeoutS: 7200, pollIntervalS: 30, deletionWaves: false });
  });

  it('loadManifestText keeps caFile as written without baseDir and makes it absolute with one', () => {
    const text = fixtureText('full.yaml');

    const plain = loadManifestText(text, 'full.yaml');
    const based = loadManifestText(text, 'full.yaml', { baseDir: '/etc/entra-soa' });

    expect(plain.desired?.activeDirectory.connection.caFile).toBe('./contoso-ca.pem');
    expect(based.desired?.activeDirectory.connection.caFile).toBe('/etc/entra-soa/contoso-ca.pem');
  });

  it('a rollback rule (authority: onPremises on a cloud-managed user) defaults to counterpart by upn', () => {
    const text = fixtureText('minimal.yaml').replace(
      /users:[\s\S]*$/,
      'users:\n  - name: rollback\n    select: { upn: erin@contoso.com }\n    authority: onPremises\n    link: hard\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.users[0]).toEqual({
      name: 'rollback',
      selector: { kind: 'upn', upn: 'erin@contoso.com' },
      authority: 'onPremises',
      link: 'hard',
      counterpart: { by: 'upn' },
      setImmutableId: false,
      requirePasswordChange: false,
      location: { file: 'm.yaml', line: 12, col: 5 },
    });
  });
});
