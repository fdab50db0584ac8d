import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hazard, Plan, PlannedStep, SyncEffects } from '../../../src/model/plan.js';
import { CLEARABLE_ON_PREMISES_ATTRIBUTES, type Step } from '../../../src/model/step.js';
import { escapeControlChars, escapeControlCharsDeep } from '../../../src/model/escape-text.js';
import { decodePlan, documentedOverview, documentedStep, encodePlan, encodePlanChunks, HAZARD_CODES } from '../../../src/document/plan-document.js';

// printable text with the control characters a view must escape (ANSI, carriage return, bidi override)
const str = fc.string({ maxLength: 12, unit: fc.oneof({ arbitrary: fc.constantFrom('\u001b', '\r', '\u202e'), weight: 1 }, { arbitrary: fc.string({ minLength: 1, maxLength: 1 }), weight: 8 }) });
const strOrNull = fc.option(str, { nil: null });
const count = fc.nat({ max: 100_000 });
const feature = fc.constantFrom('blockSoftMatch' as const, 'blockCloudObjectTakeoverThroughHardMatch' as const, 'softMatchOnUpn' as const);
const attr = fc.constantFrom('mail' as const, 'proxyAddresses' as const, 'givenName' as const, 'sn' as const, 'displayName' as const, 'userPrincipalName' as const);

const cleared = fc
  .subarray([...CLEARABLE_ON_PREMISES_ATTRIBUTES])
  .chain((names) => fc.tuple(...names.map(() => strOrNull)).map((values) => Object.fromEntries(names.map((n, i) => [n, values[i] ?? null]))));

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('entra.setCloudManaged' as const), userId: str, upn: str, to: fc.boolean() }),
  fc.record({ kind: fc.constant('entra.setGroupCloudManaged' as const), groupId: str, displayName: str, to: fc.boolean() }),
  fc.record({ kind: fc.constant('entra.setImmutableId' as const), userId: str, upn: str, from: strOrNull, to: strOrNull }),
  fc.record({ kind: fc.constant('entra.clearOnPremisesAttributes' as const), userId: str, upn: str, attributes: cleared }),
  fc.record({ kind: fc.constant('entra.restoreDeleted' as const), deletedId: str, upn: str }),
  fc.record({ kind: fc.constant('entra.resetPassword' as const), userId: str, upn: str, forceChangeAtNextSignIn: fc.boolean() }),
  fc.record({ kind: fc.constant('entra.setTenantSync' as const), tenantId: str, enabled: fc.boolean() }),
  fc.record({ kind: fc.constant('entra.setSyncFeature' as const), feature, from: fc.boolean(), to: fc.boolean() }),
  fc.record({ kind: fc.constant('entra.setDeletionThreshold' as const), from: fc.option(count, { nil: null }), to: count }),
  fc.record({ kind: fc.constant('ad.move' as const), dn: str, toOu: str, upn: strOrNull }),
  fc.record({
    kind: fc.constant('ad.modify' as const),
    dn: str,
    upn: strOrNull,
    changes: fc.array(fc.record({ attribute: attr, from: fc.array(str, { maxLength: 3 }), to: fc.array(str, { maxLength: 3 }) }), { maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('ad.createUser' as const),
    ou: str,
    dn: str,
    user: fc.record(
      {
        cn: str,
        samAccountName: str,
        userPrincipalName: str,
        mail: strOrNull,
        proxyAddresses: fc.array(str, { maxLength: 3 }),
        givenName: strOrNull,
        surname: strOrNull,
        displayName: strOrNull,
        mustChangePassword: fc.boolean(),
      },
      { requiredKeys: ['cn', 'samAccountName', 'userPrincipalName', 'mail', 'proxyAddresses', 'givenName', 'surname', 'displayName'] },
    ),
  }),
  fc.record({
    kind: fc.constant('sync.await' as const),
    until: fc.oneof(
      fc.record({ kind: fc.constant('userSoftDeleted' as const), userId: str, upn: str }),
      fc.record({ kind: fc.constant('userSynced' as const), userId: str, upn: str, immutableId: str }),
      fc.record({ kind: fc.constant('tenantSyncDisabled' as const), tenantId: str }),
    ),
    timeoutS: count,
  }),
);

const hazardCode = fc.constantFrom(...HAZARD_CODES);
const syncEffects: fc.Arbitrary<SyncEffects> = fc.record({
  match: fc.constantFrom('hard' as const, 'soft' as const, 'rollback' as const),
  source: str,
  changes: fc.array(
    fc.record({
      attribute: fc.constantFrom(
        'userPrincipalName' as const,
        'accountEnabled' as const,
        'displayName' as const,
        'givenName' as const,
        'surname' as const,
        'mail' as const,
        'proxyAddresses' as const,
      ),
      from: fc.array(str, { maxLength: 3 }),
      to: fc.array(str, { maxLength: 3 }),
    }),
    { maxLength: 3 },
  ),
  password: fc.constantFrom('replaced' as const, 'unchanged' as const, 'unknown' as const),
});
const plannedStep: fc.Arbitrary<PlannedStep> = fc.record(
  {
    id: str,
    objectKey: str,
    step,
    dependsOn: fc.array(str, { maxLength: 3 }),
    hazardCodes: fc.array(hazardCode, { maxLength: 3 }),
    reason: fc.string(),
    action: fc.constantFrom('add' as const, 'change' as const, 'remove' as const, 'wait' as const),
    requiresDelegatedSignIn: fc.constant(true as const),
    syncEffects,
  },
  { requiredKeys: ['id', 'objectKey', 'step', 'dependsOn', 'hazardCodes', 'reason', 'action'] },
);
const hazard: fc.Arbitrary<Hazard> = fc.record(
  {
    code: hazardCode,
    severity: fc.constantFrom('info' as const, 'warning' as const, 'danger' as const),
    message: fc.string(),
    stepIds: fc.array(str, { maxLength: 3 }),
    objectKeys: fc.array(str, { maxLength: 3 }),
    blocking: fc.boolean(),
    consent: fc.constantFrom('disruptive' as const, 'irreversible' as const, 'exceedDeletionThreshold' as const),
  },
  { requiredKeys: ['code', 'severity', 'message', 'stepIds', 'objectKeys', 'blocking'] },
);
const location = fc.record({ file: str, line: count, col: count });
const diagnostic = fc.record(
  {
    severity: fc.constantFrom('error' as const, 'warning' as const),
    code: str,
    message: fc.string(),
    location,
    related: fc.array(location, { maxLength: 2 }),
    objectKey: str,
  },
  { requiredKeys: ['severity', 'code', 'message'] },
);

const plan: fc.Arbitrary<Plan> = fc.record(
  {
    kind: fc.constant('entra-soa/plan' as const),
    formatVersion: fc.constant(1 as const),
    tool: fc.record({ name: str, version: str }),
    createdAt: str,
    manifest: fc.record({ file: str, digest: str }),
    consentGiven: fc.record({ disruptive: fc.boolean(), irreversible: fc.boolean(), exceedDeletionThreshold: fc.boolean() }),
    source: fc.string(),
    join: fc.record({ sourceAnchor: fc.constantFrom('objectGUID' as const, 'mS-DS-ConsistencyGuid' as const), softMatchOnUpn: fc.boolean() }),
    fingerprints: fc.dictionary(str, str, { maxKeys: 4 }),
    fingerprintDetails: fc.record({
      labels: fc.record({ user: fc.array(str, { maxLength: 3 }), group: fc.array(str, { maxLength: 2 }), tenant: fc.array(str, { maxLength: 2 }) }),
      digests: fc.dictionary(str, str, { maxKeys: 4 }),
    }),
    // ids unique, dependencies on earlier steps only (decodePlan checks both)
    steps: fc
      .array(fc.tuple(plannedStep, fc.array(fc.nat(), { maxLength: 3 })), { maxLength: 6 })
      .map((list) =>
        list.map(([s, deps], i) => ({
          ...s,
          id: `s${String(i + 1).padStart(3, '0')}`,
          dependsOn: i === 0 ? [] : [...new Set(deps.map((d) => `s${String((d % i) + 1).padStart(3, '0')}`))],
        })),
      ),
    hazards: fc.array(hazard, { maxLength: 4 }),
    diagnostics: fc.array(diagnostic, { maxLength: 3 }),
    applyable: fc.boolean(),
    summary: fc.record({ add: count, change: count, remove: count, wait: count }),
    targets: fc.array(str, { maxLength: 3 }),
  },
  {
    requiredKeys: ['kind', 'formatVersion', 'tool', 'createdAt', 'manifest', 'consentGiven', 'source', 'join', 'fingerprints', 'steps', 'hazards', 'diagnostics', 'applyable', 'summary'],
  },
);

describe('plan document (property)', () => {
  it('decode(encode(p)) deep-equals p, and encoding is stable', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const text = encodePlan(p);
        const decoded = decodePlan(text, 'plan.json');
        expect(decoded.diagnostics).toEqual([]);
        expect(decoded.plan).toEqual(p);
        expect(encodePlan(decoded.plan as Plan)).toBe(text);
      }),
      { numRuns: 300, seed: 20260302 },
    );
  });

  it('the streamed encoding is the same text, laid out as JSON.stringify with a 2-space indent', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const text = encodePlan(p);
        expect([...encodePlanChunks(p)].join('')).toBe(text);
        expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  it('what the views read (documentedOverview, documentedStep) is what decode(encode(p)) holds', () => {
    fc.assert(
      fc.property(plan, (p) => {
        const decoded = decodePlan(encodePlan(p), 'plan.json').plan as Plan;
        const { fingerprintDetails: _ignored, ...overview } = decoded;
        expect(documentedOverview(p)).toEqual({ ...overview, steps: [], fingerprints: {} });
        expect(p.steps.map((s) => documentedStep(s))).toEqual(decoded.steps);
        // a field the document does not carry is not shown
        const extra = p.steps.map((s) => ({ ...s, secret: 'hunter2', step: { ...s.step, password: 'hunter2' } }) as unknown as PlannedStep);
        expect(extra.map((s) => documentedStep(s))).toEqual(decoded.steps);
        // read with a text mapping (the views escape control characters): every string value mapped, as a deep copy would
        const shown = { shown: escapeControlChars };
        expect(p.steps.map((s) => documentedStep(s, shown))).toEqual(escapeControlCharsDeep(decoded.steps));
        expect(documentedOverview(p, shown)).toEqual(escapeControlCharsDeep({ ...overview, steps: [], fingerprints: {} }));
      }),
      { numRuns: 200, seed: 20261130 },
    );
  });
});
