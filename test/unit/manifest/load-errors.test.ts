import { describe, expect, it } from 'vitest';
import { formatDiagnostics, loadManifestFile, loadManifestText } from '../../../src/manifest/load.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import { fixturePath, fixtureText, withHeader } from './fixtures.js';

/** `line:col code` of each diagnostic, in order: the compact form these tests compare. */
function where(ds: readonly Diagnostic[]): string[] {
  return ds.map((d) => `${d.location?.line}:${d.location?.col} ${d.severity} ${d.code}`);
}

describe('YAML syntax errors', () => {
  it('bad-yaml.yaml → yaml-syntax for the duplicate key and the unclosed flow map, at their line:col', () => {
    const result = loadManifestText(fixtureText('bad-yaml.yaml'), 'bad-yaml.yaml');

    expect(result.desired).toBeNull();
    expect(where(result.diagnostics)).toEqual(['4:3 error yaml-syntax', '7:1 error yaml-syntax']);
    expect(result.diagnostics[0]?.message).toMatch(/Map keys must be unique.*remove or merge the duplicate/);
    expect(result.diagnostics[1]?.message).toMatch(/Flow map .* end with a \}/);
  });

  it('a tab-indented line → yaml-syntax on that line, without an excerpt of the source', () => {
    const text = 'apiVersion: entra-soa/v1\ntenant:\n\tid: x\n';

    const result = loadManifestText(text, 'tabs.yaml');

    expect(result.desired).toBeNull();
    expect(result.diagnostics.every((d) => d.code === 'yaml-syntax')).toBe(true);
    expect(result.diagnostics[0]?.location).toEqual({ file: 'tabs.yaml', line: 3, col: 1 });
    expect(result.diagnostics.map((d) => d.message).join('\n')).not.toContain('\n');
  });

  it('an alias bomb → one yaml-syntax error instead of an exception or a hang', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);

    const result = loadManifestText(`${lines.join('\n')}\n`, 'bomb.yaml');

    expect(result.desired).toBeNull();
    expect(result.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.code}`)).toEqual(['1:1 yaml-syntax']);
    expect(result.diagnostics[0]?.message).toContain('aliases');
  });

  it('an empty file → one schema error at 1:1 saying the manifest must be a map', () => {
    const result = loadManifestText('', 'empty.yaml');

    expect(result.desired).toBeNull();
    expect(formatDiagnostics(result.diagnostics)).toBe(
      'empty.yaml:1:1: error schema: the manifest must be a map (key: value entries) (entra-soa manifest) (type)\n',
    );
  });
});

describe('schema errors', () => {
  it('schema-errors.yaml → every violation reported at once, each at its own node', () => {
    const result = loadManifestText(fixtureText('schema-errors.yaml'), 'schema-errors.yaml');

    expect(result.desired).toBeNull();
    expect(formatDiagnostics(result.diagnostics).split('\n').filter(Boolean)).toEqual([
      'schema-errors.yaml:3:7: error schema: tenant.id must be a GUID such as 6f1c2d9e-0000-4000-8000-000000000001 (the tenant id from the Entra admin center) (got "not-a-guid") (pattern)',
      'schema-errors.yaml:4:18: error schema: tenant.directorySync must be one of "enabled", "disabled" (got "on") (enum)',
      'schema-errors.yaml:6:3: error schema: activeDirectory.connection: missing required property "bindPasswordEnv" (Bind password environment variable) (required)',
      'schema-errors.yaml:10:17: error schema: activeDirectory.sourceAnchor must be one of "objectGUID", "mS-DS-ConsistencyGuid" (got "objectGuid") (enum)',
      'schema-errors.yaml:13:5: error schema: users[0].select must have exactly one of upn, upns, upnGlob, ou, samAccountName, all; it has upn and ou (oneOf)',
      'schema-errors.yaml:16:5: error schema: users[1]: a rule with authority: cloud needs "method": sourceOfAuthority, scopeRemoval or tenantDisable (required)',
      'schema-errors.yaml:19:5: error schema: users[1]: "link" applies only to rules with authority: onPremises; remove it or change the rule\'s authority (false schema)',
      'schema-errors.yaml:20:5: error schema: users[2]: missing required property "select" (required)',
      'schema-errors.yaml:21:5: error schema: users[2]: unknown property "selct"; did you mean "select"? (additionalProperties)',
      'schema-errors.yaml:25:12: error schema: sync.timeout must be a duration greater than zero: a number followed by s, m or h, such as 90s, 15m or 2h (got "2d") (pattern)',
    ]);
  });

  it('an empty selector → one message listing the forms, not one per oneOf branch', () => {
    const text = withHeader('users:\n  - select: {}\n    authority: cloud\n    method: sourceOfAuthority\n');

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`)).toEqual([
      '12:5 users[0].select must have exactly one of upn, upns, upnGlob, ou, samAccountName, all; it has none (oneOf)',
    ]);
  });

  it('a group selector with two forms → one oneOf message naming the group forms', () => {
    const text = withHeader('groups:\n  - select: { displayName: A, all: true }\n    authority: cloud\n');

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics.map((d) => d.message)).toEqual([
      'groups[0].select must have exactly one of displayName, displayNames, all; it has displayName and all (oneOf)',
    ]);
  });

  it('method on an onPremises rule and a missing link → both reported at the rule', () => {
    const text = withHeader('users:\n  - select: { upn: a@contoso.com }\n    authority: onPremises\n    method: scopeRemoval\n');

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`)).toEqual([
      '12:5 users[0]: a rule with authority: onPremises needs "link": hard or soft (required)',
      '14:5 users[0]: "method" applies only to rules with authority: cloud; remove it or change the rule\'s authority (false schema)',
    ]);
  });

  it('wrong types and out-of-range numbers → type / minimum errors at the value', () => {
    const text = withHeader('allow:\n  disruptive: "yes"\nsync:\n  triggerCommand: []\n').replace(
      '  id: 6f1c2d9e-0000-4000-8000-000000000001\n',
      '  id: 6f1c2d9e-0000-4000-8000-000000000001\n  accidentalDeletionThreshold: 0\n',
    );

    const result = loadManifestText(text, 'm.yaml');

    expect(result.diagnostics.map((d) => `${d.location?.line}:${d.location?.col} ${d.message}`)).toEqual([
      '4:32 tenant.accidentalDeletionThreshold must be >= 1 (minimum)',
      '13:15 allow.disruptive must be true or false (Allow disruptive steps) (type)',
      '15:19 sync.triggerCommand must NOT have fewer than 1 items (minItems)',
    ]);
  });

  it('an unquoted DN inside a flow map → the stray keys are reported with the quoting hint', () => {
    const result = loadManifestText(fixtureText('unquoted-dn-list.yaml'), 'u.yaml');

    const schema = result.diagnostics.filter((d) => d.code === 'schema');
    expect(schema.map((d) => `${d.location?.line}:${d.location?.col}`)).toEqual(['14:28', '14:39']);
    expect(schema[0]?.message).toContain('unknown property "DC=contoso"; it looks like part of a DN');
  });

  it('a missing top-level section → required error at 1:1 naming it', () => {
    const result = loadManifestText('apiVersion: entra-soa/v1\ntenant:\n  id: 6f1c2d9e-0000-4000-8000-000000000001\n', 'm.yaml');

    expect(formatDiagnostics(result.diagnostics)).toBe(
      'm.yaml:1:1: error schema: the manifest: missing required property "activeDirectory" (On-premises Active Directory) (required)\n',
    );
  });
});

describe('files', () => {
  it('a manifest path that does not exist → file-not-found without a location', async () => {
    const result = await loadManifestFile(fixturePath('nope.yaml'), 'nope.yaml');

    expect(result).toEqual({
      desired: null,
      diagnostics: [
        {
          severity: 'error',
          code: 'file-not-found',
          message: 'cannot read the manifest nope.yaml: no such file. Check the path (it is relative to the current directory).',
        },
      ],
    });
  });
});
