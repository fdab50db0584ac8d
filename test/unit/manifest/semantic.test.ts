import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadManifestFile, loadManifestText } from '../../../src/manifest/load.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import { fixturePath, fixtureText, withHeader } from './fixtures.js';

function codesAt(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.location?.line}:${d.location?.col} ${d.severity} ${d.code}`);
}

describe('semantic checks', () => {
  it('semantic-errors.yaml → unsynced-ou-required, tenant-disable-conflict, create-in-requires-soft, rule-conflict', () => {
    const result = loadManifestText(fixtureText('semantic-errors.yaml'), 's.yaml');

    expect(result.desired).toBeNull();
    expect(codesAt(result.diagnostics)).toEqual([
      '16:13 error unsynced-ou-required',
      '20:13 error tenant-disable-conflict',
      '25:5 error create-in-requires-soft',
      '26:5 error rule-conflict',
    ]);
    const [unsynced, tenantDisable, createIn, conflict] = result.diagnostics;
    expect(unsynced?.message).toContain('rule "remove-sales" uses method: scopeRemoval');
    expect(unsynced?.message).toContain('activeDirectory.unsyncedOu is not set');
    expect(tenantDisable?.related).toEqual([{ file: 's.yaml', line: 4, col: 18 }]);
    expect(createIn?.message).toContain('rule "hard-with-create" has createIn but link: hard');
    expect(conflict?.message).toContain('rules "remove-sales" and "sales-back" both select ou');
    expect(conflict?.message).toContain('authority: cloud, method: scopeRemoval vs authority: onPremises, link: hard');
    expect(conflict?.location).toEqual({ file: 's.yaml', line: 26, col: 5 });
    expect(conflict?.related).toEqual([{ file: 's.yaml', line: 13, col: 5 }]);
  });

  it('rule-conflict prints both rules: the location and a note for the other', () => {
    const text = withHeader(
      'users:\n  - name: a\n    select: { all: true }\n    authority: cloud\n    method: sourceOfAuthority\n' +
        '  - name: b\n    select: { all: true }\n    authority: onPremises\n    link: soft\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(formatDiagnostics(result.diagnostics)).toBe(
      'm.yaml:16:5: error rule-conflict: rules "a" and "b" both select all but ask for different things ' +
        '(authority: cloud, method: sourceOfAuthority vs authority: onPremises, link: soft); a user can have one intent only. ' +
        'Narrow one selector or remove one rule.\n  m.yaml:12:5: note: see here\n',
    );
  });

  it('a UPN named by upn in one rule and upns in another with different intents → rule-conflict naming the UPN', () => {
    const text = withHeader(
      'users:\n  - name: a\n    select: { upn: Alice@Contoso.com }\n    authority: cloud\n    method: sourceOfAuthority\n' +
        '  - name: b\n    select: { upns: [bob@contoso.com, alice@contoso.com] }\n    authority: onPremises\n    link: hard\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(codesAt(result.diagnostics)).toEqual(['16:5 error rule-conflict']);
    expect(result.diagnostics[0]?.message).toContain('both name alice@contoso.com');
  });

  it('two UPN lists sharing two users with different intents → one rule-conflict naming both UPNs', () => {
    const text = withHeader(
      'users:\n  - name: a\n    select: { upns: [x@contoso.com, y@contoso.com, z@contoso.com] }\n    authority: cloud\n    method: sourceOfAuthority\n' +
        '  - name: b\n    select: { upns: [y@contoso.com, z@contoso.com] }\n    authority: cloud\n    method: scopeRemoval\n',
    ).replace('  sourceAnchor: objectGUID\n', '  sourceAnchor: objectGUID\n  unsyncedOu: OU=Parked,DC=elsewhere,DC=com\n');

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics.filter((d) => d.code === 'rule-conflict').map((d) => d.message)).toEqual([
      'rules "a" and "b" both name y@contoso.com, z@contoso.com but ask for different things ' +
        '(authority: cloud, method: sourceOfAuthority vs authority: cloud, method: scopeRemoval); a user can have one intent only. Remove the user from one rule.',
    ]);
  });

  it('the same selector with the same intent → rule-overlap warning, manifest still valid', () => {
    const text = withHeader(
      'users:\n  - name: first\n    select: { upnGlob: "*@sales.contoso.com" }\n    authority: cloud\n    method: sourceOfAuthority\n' +
        '  - name: second\n    select: { upnGlob: "*@SALES.contoso.com" }\n    authority: cloud\n    method: sourceOfAuthority\n' +
        'groups:\n  - select: { displayName: Finance }\n    authority: cloud\n  - select: { displayNames: [finance] }\n    authority: cloud\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(codesAt(result.diagnostics)).toEqual(['16:5 warning rule-overlap', '23:5 warning rule-overlap']);
    expect(result.diagnostics[0]?.message).toContain('"first" comes first and its options win');
    expect(result.desired?.users.map((u) => u.name)).toEqual(['first', 'second']);
  });

  it('different selectors that may overlap at run time (ou vs glob) → no static diagnostic (the planner decides)', () => {
    const text = withHeader(
      'users:\n  - select: { ou: "OU=Sales,DC=contoso,DC=com" }\n    authority: cloud\n    method: sourceOfAuthority\n' +
        '  - select: { upnGlob: "*@contoso.com" }\n    authority: onPremises\n    link: hard\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics).toEqual([]);
    expect(result.desired?.users).toHaveLength(2);
  });

  it('unsyncedOu inside an included OU → unsynced-ou-in-scope at unsyncedOu, related to the include entry', () => {
    const result = loadManifestText(fixtureText('unsynced-in-scope.yaml'), 'u.yaml');

    expect(result.diagnostics).toEqual([
      {
        severity: 'error',
        code: 'unsynced-ou-in-scope',
        message:
          'activeDirectory.unsyncedOu "OU=Unsynced,OU=Staff,DC=contoso,DC=com" is inside the sync scope (under "OU=Staff,DC=contoso,DC=com"), ' +
          'so users moved there would keep syncing and scope removal could not work. ' +
          'Choose an OU outside syncScope.include, or list it in syncScope.exclude (and exclude it in Entra Connect too).',
        location: { file: 'u.yaml', line: 13, col: 15 },
        related: [{ file: 'u.yaml', line: 12, col: 15 }],
      },
    ]);
  });

  it('unsyncedOu with no include list (whole base DN in scope) → unsynced-ou-in-scope; excluded → fine', () => {
    const inScope = withHeader('  unsyncedOu: OU=Parking,DC=contoso,DC=com\n');
    const excluded = withHeader(
      '  syncScope:\n    exclude: ["OU=Parking,DC=contoso,DC=com"]\n  unsyncedOu: OU=Unsynced,OU=Parking,DC=contoso,DC=com\n',
    );
    const outside = withHeader('  syncScope:\n    include: ["OU=Staff,DC=contoso,DC=com"]\n  unsyncedOu: OU=Parking,DC=contoso,DC=com\n');

    expect(codesAt(loadManifestText(inScope, 'm.yaml').diagnostics)).toEqual(['11:15 error unsynced-ou-in-scope']);
    expect(loadManifestText(inScope, 'm.yaml').diagnostics[0]?.message).toContain('the base DN, because syncScope.include is empty');
    expect(loadManifestText(excluded, 'm.yaml').diagnostics).toEqual([]);
    expect(loadManifestText(outside, 'm.yaml').diagnostics).toEqual([]);
  });

  it('tenantDisable with directorySync left out or disabled → no conflict', () => {
    const rule = 'users:\n  - select: { all: true }\n    authority: cloud\n    method: tenantDisable\n';
    const disabled = withHeader(rule).replace(
      '  id: 6f1c2d9e-0000-4000-8000-000000000001\n',
      '  id: 6f1c2d9e-0000-4000-8000-000000000001\n  directorySync: disabled\n',
    );

    expect(loadManifestText(withHeader(rule), 'm.yaml').diagnostics).toEqual([]);
    expect(loadManifestText(disabled, 'm.yaml').diagnostics).toEqual([]);
  });

  it('the contract example\'s unquoted [OU=Staff,DC=contoso,DC=com] → dn-outside-base for each split item, with the quoting hint', () => {
    const result = loadManifestText(fixtureText('unquoted-dn-list.yaml'), 'u.yaml');

    const outside = result.diagnostics.filter((d) => d.code === 'dn-outside-base');
    expect(outside.map((d) => `${d.location?.line}:${d.location?.col}`)).toEqual(['12:15', '12:24', '12:35']);
    expect(outside[0]?.message).toContain('"OU=Staff" is not inside the base DN "DC=contoso,DC=com"');
    expect(outside[0]?.message).toContain('quote a DN that contains commas');
  });

  it('select.ou and createIn in another domain → dn-outside-base at each', () => {
    const text = withHeader(
      'users:\n  - select: { ou: "OU=Sales,DC=fabrikam,DC=com" }\n    authority: onPremises\n    link: soft\n    createIn: OU=New,DC=fabrikam,DC=com\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(codesAt(result.diagnostics)).toEqual(['12:19 error dn-outside-base', '15:15 error dn-outside-base']);
    expect(result.diagnostics[1]?.message).toContain('Fix the DN or widen activeDirectory.connection.baseDn.');
  });

  it('semantic checks still run on the valid rules when another rule has a schema error', () => {
    const text = withHeader(
      'users:\n  - select: { upn: a@contoso.com }\n    authority: cloud\n    method: scopeRemoval\n' +
        '  - select: { upn: b@contoso.com }\n    authority: sideways\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(codesAt(result.diagnostics)).toEqual(['14:13 error unsynced-ou-required', '16:16 error schema']);
  });

  it('caFile that does not exist next to the manifest → file-not-found at caFile (loadManifestFile only)', async () => {
    const text = fixtureText('full.yaml').replace('./contoso-ca.pem', './missing-ca.pem');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'entra-soa-manifest-'));
    await writeFile(join(dir, 'm.yaml'), text);

    const fromFile = await loadManifestFile(join(dir, 'm.yaml'), 'm.yaml');
    const fromText = loadManifestText(text, 'm.yaml');

    expect(fromFile.desired).toBeNull();
    expect(codesAt(fromFile.diagnostics)).toEqual(['18:13 error file-not-found']);
    expect(fromFile.diagnostics[0]?.message).toContain(`looked for ${join(dir, 'missing-ca.pem')}`);
    expect(fromText.diagnostics).toEqual([]);
    expect(fromText.desired).not.toBeNull();
  });

  it('caFile present next to the fixture → valid', async () => {
    const result = await loadManifestFile(fixturePath('full.yaml'));

    expect(result.diagnostics).toEqual([]);
  });
});
