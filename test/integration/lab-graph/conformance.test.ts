/**
 * Conformance: the emulator's responses validate against Microsoft's Graph schemas (the trimmed
 * extract in ../shared/graph-openapi, read in place, never copied into this repository).
 *
 * When the folder is absent: on CI (process.env.CI set) the first test fails; elsewhere it logs
 * "graph-openapi not found: conformance not checked" and the validation tests are not defined
 * (no skipped tests: they only exist when the schemas do).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addCloudUser, addSyncedUser, graphError, newTenant, raw, startLab, TENANT_ID, type Lab } from './helpers.js';
import { USER_PROPERTIES_BY_VERSION } from '../../../src/lab/graph/users.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const openapiDir = path.resolve(repoRoot, '..', 'shared', 'graph-openapi');
const present = existsSync(path.join(openapiDir, 'ajv-setup.mjs'));

describe('graph-openapi schemas', () => {
  it('are available (required on CI)', () => {
    if (process.env.CI) {
      expect(present, `graph-openapi not found at ${openapiDir}`).toBe(true);
    } else if (!present) {
      console.warn('graph-openapi not found: conformance not checked');
      expect(existsSync(openapiDir)).toBe(false);
    } else {
      expect(existsSync(path.join(openapiDir, 'schemas', 'v1.0', 'microsoft.graph.user.json'))).toBe(true);
    }
  });
});

type Validate = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; message?: string }[] | null };
interface AjvLike {
  compile(schema: unknown): Validate;
}

if (present) {
  describe('lab Graph emulator conforms to the Graph schemas', () => {
    let ajv: AjvLike;
    const cache = new Map<string, Validate>();
    let lab: Lab;
    let syncedId = '';
    let deletedId = '';

    const loadSchema = (version: string, type: string): Record<string, unknown> =>
      JSON.parse(readFileSync(path.join(openapiDir, 'schemas', version, `${type}.json`), 'utf8')) as Record<string, unknown>;

    const validator = (version: string, type: string): Validate => {
      const key = `${version}/${type}`;
      let v = cache.get(key);
      if (!v) {
        v = ajv.compile(loadSchema(version, type));
        cache.set(key, v);
      }
      return v;
    };

    /**
     * The error schema with exactly one check relaxed: real Graph sends `innerError.date` without a
     * time-zone offset (e.g. `2026-11-21T23:50:00`), which Microsoft's description types as an RFC 3339
     * date-time (graph-openapi/README.md, "Known disagreement"). We drop that property's `format` and
     * `pattern` and check the Graph form with our own regular expression instead.
     */
    const relaxedErrorValidator = (version: string): Validate => {
      const key = `${version}/relaxed-error`;
      let v = cache.get(key);
      if (!v) {
        const s = structuredClone(loadSchema(version, 'microsoft.graph.ODataErrors.ODataError'));
        s.$id = `${String(s.$id)}:relaxed-innerError-date`;
        const defs = s.$defs as Record<string, { properties: Record<string, Record<string, unknown>> }>;
        const date = defs['microsoft.graph.ODataErrors.InnerError']?.properties.date;
        if (!date) throw new Error('InnerError.date not found in the error schema');
        delete date.format;
        delete date.pattern;
        v = ajv.compile(s);
        cache.set(key, v);
      }
      return v;
    };

    const expectValid = (version: string, type: string, data: unknown): void => {
      const v = validator(version, type);
      const ok = v(data);
      expect(ok ? [] : (v.errors ?? []).map((e) => `${e.instancePath} ${e.keyword} ${e.message ?? ''}`)).toEqual([]);
    };

    beforeAll(async () => {
      const mod = (await import(pathToFileURL(path.join(openapiDir, 'ajv-setup.mjs')).href)) as { createAjv: (o?: object) => AjvLike };
      ajv = mod.createAjv({ strict: false });
      const t = newTenant();
      const s = addSyncedUser(t, 'vera');
      syncedId = s.id;
      for (let i = 0; i < 5; i++) addCloudUser(t, `w${i}`);
      const d = addSyncedUser(t, 'gone');
      t.deleteUser(d.id);
      deletedId = d.id;
      t.recordProvisioningError({
        code: 'InvalidSoftMatch',
        category: 'PropertyConflict',
        objectId: s.id,
        adDn: 'CN=vera,OU=Staff,DC=lab,DC=example,DC=test',
        propertyCausingError: 'ProxyAddresses',
        value: 'SMTP:vera@lab.example.test',
        message: 'soft match refused',
      });
      lab = await startLab(t);
    });
    afterAll(async () => lab?.close());

    for (const version of ['v1.0', 'beta'] as const) {
      it(`${version}: a user with every property $selected`, async () => {
        const u = await lab.client.api(`/users/${syncedId}`).version(version).select([...USER_PROPERTIES_BY_VERSION[version]].join(',')).get();
        expect((u as { onPremisesProvisioningErrors: unknown[] }).onPremisesProvisioningErrors.length).toBe(1);
        expectValid(version, 'microsoft.graph.user', u);
      });

      it(`${version}: a user collection with count and nextLink`, async () => {
        const c = (await lab.client
          .api('/users')
          .version(version)
          .header('ConsistencyLevel', 'eventual')
          .count(true)
          .top(2)
          .select('id,userPrincipalName,onPremisesSyncEnabled,onPremisesImmutableId,proxyAddresses')
          .get()) as Record<string, unknown>;
        expect(c['@odata.count']).toBe(6);
        expect(typeof c['@odata.nextLink']).toBe('string');
        expectValid(version, 'microsoft.graph.userCollectionResponse', c);
        const d = await lab.client.api('/directory/deletedItems/microsoft.graph.user').version(version).get();
        expect((d as { value: { id: string }[] }).value.map((x) => x.id)).toEqual([deletedId]);
        expectValid(version, 'microsoft.graph.userCollectionResponse', d);
      });

      it(`${version}: a users delta response`, async () => {
        const d = (await lab.client.api('/users/delta').version(version).select('id,displayName,onPremisesSyncEnabled,onPremisesImmutableId').get()) as Record<string, unknown>;
        expect(typeof d['@odata.deltaLink']).toBe('string');
        expectValid(version, 'users.delta.response', d);
      });

      it(`${version}: organization, single and collection`, async () => {
        const one = await lab.client.api(`/organization/${TENANT_ID}`).version(version).get();
        expectValid(version, 'microsoft.graph.organization', one);
        const all = await lab.client.api('/organization').version(version).get();
        expectValid(version, 'microsoft.graph.organizationCollectionResponse', all);
      });

      it(`${version}: onPremisesDirectorySynchronization, single and collection`, async () => {
        const one = await lab.client.api(`/directory/onPremisesSynchronization/${TENANT_ID}`).version(version).get();
        expectValid(version, 'microsoft.graph.onPremisesDirectorySynchronization', one);
        const all = await lab.client.api('/directory/onPremisesSynchronization').version(version).get();
        expectValid(version, 'microsoft.graph.onPremisesDirectorySynchronizationCollectionResponse', all);
      });

      it(`${version}: onPremisesSyncBehavior`, async () => {
        const b = (await lab.client.api(`/users/${syncedId}/onPremisesSyncBehavior`).version(version).get()) as Record<string, unknown>;
        // beta: Microsoft's documented example wraps the entity in "value"; the entity is what must conform
        const entity = version === 'beta' ? b.value : b;
        expect((entity as { isCloudManaged: boolean }).isCloudManaged).toBe(false);
        expectValid(version, 'microsoft.graph.onPremisesSyncBehavior', entity);
      });

      it(`${version}: an error body (innerError.date relaxed, see relaxedErrorValidator)`, async () => {
        const e = await graphError(lab.client.api('/users/nobody@lab.example.test').version(version).get());
        expect(e.statusCode).toBe(404);
        const r = await raw(lab.emu, 'GET', `/${version}/users/nobody@lab.example.test`);
        const body = r.body as { error: { innerError: { date: string } } };
        expect(body.error.innerError.date).toMatch(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/);
        const relaxed = relaxedErrorValidator(version);
        expect(relaxed(body) ? [] : relaxed.errors).toEqual([]);
        // The strict schema fails on that one value only.
        const strict = validator(version, 'microsoft.graph.ODataErrors.ODataError');
        expect(strict(body)).toBe(false);
        expect([...new Set((strict.errors ?? []).map((x) => x.instancePath))]).toEqual(['/error/innerError/date']);
      });
    }
  });
}
