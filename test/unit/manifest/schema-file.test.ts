import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaErrors } from '../../../src/manifest/schema.js';

const schemaText = readFileSync(new URL('../../../schema/manifest.schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(schemaText) as Record<string, unknown>;

type Json = Record<string, unknown>;

/** Every object schema in the document, with its JSON pointer. */
function objectSchemas(node: unknown, path: string, out: { path: string; s: Json }[] = []): { path: string; s: Json }[] {
  if (node === null || typeof node !== 'object') return out;
  if (Array.isArray(node)) {
    node.forEach((n, i) => objectSchemas(n, `${path}/${i}`, out));
    return out;
  }
  const s = node as Json;
  if (s['type'] === 'object') out.push({ path, s });
  for (const [k, v] of Object.entries(s)) objectSchemas(v, `${path}/${k}`, out);
  return out;
}

describe('schema/manifest.schema.json', () => {
  it('is draft-07 and every object schema forbids unknown properties', () => {
    const objects = objectSchemas(schema, '#');

    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(objects.length).toBeGreaterThan(12);
    expect(objects.filter((o) => o.s['additionalProperties'] !== false).map((o) => o.path)).toEqual([]);
  });

  it('every property has a title and a description (directly or through its $ref)', () => {
    const defs = schema['definitions'] as Record<string, Json>;
    const missing: string[] = [];
    for (const { path, s } of objectSchemas(schema, '#')) {
      for (const [name, prop] of Object.entries((s['properties'] ?? {}) as Record<string, Json>)) {
        const ref = typeof prop['$ref'] === 'string' ? defs[prop['$ref'].replace('#/definitions/', '')] : undefined;
        const target = ref ?? prop;
        if (typeof target['title'] !== 'string' || typeof target['description'] !== 'string') missing.push(`${path}/${name}`);
      }
    }

    expect(missing).toEqual([]);
  });

  it('the contract\'s example manifest (with quoted DN lists) → valid against the schema', () => {
    const example = {
      apiVersion: 'entra-soa/v1',
      tenant: { id: '6f1c2d9e-0000-4000-8000-000000000001', directorySync: 'enabled', accidentalDeletionThreshold: 500 },
      activeDirectory: {
        connection: { url: 'ldaps://dc1.contoso.com', baseDn: 'DC=contoso,DC=com', bindDn: 'CN=svc,DC=contoso,DC=com', bindPasswordEnv: 'P' },
        sourceAnchor: 'mS-DS-ConsistencyGuid',
      },
      users: [{ select: { all: true }, authority: 'onPremises', link: 'hard', counterpart: { by: 'samAccountName' } }],
      sync: { timeout: '2h', pollInterval: '30s' },
    };

    expect(schemaErrors(example)).toEqual([]);
  });

  it('patterns: GUID, env var name, duration, LDAP URL → accept the good form, reject a near miss', () => {
    const base = {
      apiVersion: 'entra-soa/v1',
      tenant: { id: '6f1c2d9e-0000-4000-8000-000000000001' },
      activeDirectory: {
        connection: { url: 'ldap://dc1:389', baseDn: 'DC=contoso,DC=com', bindDn: 'CN=svc,DC=contoso,DC=com', bindPasswordEnv: '_X1' },
        sourceAnchor: 'objectGUID',
      },
    };
    const bad = {
      ...base,
      tenant: { id: '6f1c2d9e-0000-4000-8000-00000000001' },
      activeDirectory: {
        ...base.activeDirectory,
        connection: { ...base.activeDirectory.connection, url: 'https://dc1', bindPasswordEnv: '1X' },
      },
      sync: { timeout: '0s' },
    };

    const ipv6 = { ...base, activeDirectory: { ...base.activeDirectory, connection: { ...base.activeDirectory.connection, url: 'ldaps://[::1]:636' } } };

    expect(schemaErrors(base)).toEqual([]);
    expect(schemaErrors(ipv6)).toEqual([]);
    expect(schemaErrors(bad).map((e) => `${e.instancePath} ${e.keyword}`)).toEqual([
      '/tenant/id pattern',
      '/activeDirectory/connection/url pattern',
      '/activeDirectory/connection/bindPasswordEnv pattern',
      '/sync/timeout pattern',
    ]);
  });
});
