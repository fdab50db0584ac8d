/**
 * The drift report builder and its renderers, from → to → expected, on in-memory state: rule
 * attribution (first rule wins, counterpart steps, temporary tenant switches), unread settings,
 * plan errors, --since, and the size limits of Markdown and JUnit.
 */
import { describe, expect, it } from 'vitest';
import { buildDriftReport, type DriftInput } from '../../../src/drift/build-report.js';
import type { DesiredState } from '../../../src/model/desired.js';
import type { ObservedState } from '../../../src/model/observed.js';
import { encodeDriftReport, readPreviousReport } from '../../../src/render/drift-document.js';
import { renderDriftJunit } from '../../../src/render/drift-junit.js';
import { renderDriftMarkdown } from '../../../src/render/drift-markdown.js';
import { adUser, cloudRule, cloudUser, CREATED_AT, desired, group, observed, onPremRule, plan, STAFF_OU, syncedFrom } from '../plan/builders.js';

const TOOL = { name: 'entra-soa', version: '0.1.0' };

function report(d: DesiredState, o: ObservedState, extra: Partial<DriftInput> = {}) {
  return buildDriftReport({ desired: d, outcome: { read: true, observed: o, plan: plan(d, o), source: 'test' }, createdAt: CREATED_AT, tool: TOOL, ...extra });
}

const SALES = `OU=Sales,${STAFF_OU}`;
const ann = adUser('ann', 1, { dn: `CN=ann,${SALES}` });
const bob = adUser('bob', 2, { dn: `CN=bob,${SALES}` });
const cid = adUser('cid', 3);

describe('rule attribution', () => {
  it('each drifted user counts under the first rule that selects it; in-sync users count as checked', () => {
    const o = observed({ ad: [ann, bob, cid], entra: [syncedFrom(ann, 'e1'), syncedFrom(bob, 'e2', { isCloudManaged: true, onPremisesSyncEnabled: null }), syncedFrom(cid, 'e3')] });
    const d = desired({ users: [cloudRule('sales', { kind: 'ou', dn: SALES }, 'sourceOfAuthority'), cloudRule('everyone', { kind: 'all' }, 'sourceOfAuthority')] });
    const r = report(d, o);
    expect(r.rules.map((x) => [x.name, x.checked, x.drifted, x.status])).toEqual([
      ['sales', 2, 1, 'drifted'],
      ['everyone', 1, 1, 'drifted'],
    ]);
    expect(r.drifted.map((x) => [x.objectKey, x.rule])).toEqual([
      ['user/ann@contoso.com', 'sales'],
      ['user/cid@contoso.com', 'everyone'],
    ]);
    expect(r.summary).toEqual({ rules: 2, checked: 3, inSync: 1, drifted: 2, unread: 0, hazards: 0, blockingHazards: 0 });
    expect(r.status).toBe('drifted');
  });

  it('the AD counterpart a hard link moves into scope belongs to the linked cloud user', () => {
    const outside = adUser('dee', 4, { dn: 'CN=dee,OU=Contractors,DC=contoso,DC=com' });
    const o = observed({ ad: [outside], entra: [cloudUser('dee', 'e4')], ous: [STAFF_OU, 'OU=Contractors,DC=contoso,DC=com'] });
    const d = desired({ users: [onPremRule('link-dee', { kind: 'upn', upn: 'dee@contoso.com' }, 'hard')], include: [STAFF_OU], exclude: [] });
    const r = report(d, o);
    const moves = r.plan!.steps.filter((s) => s.step.kind === 'ad.move');
    expect(moves.length).toBe(1);
    expect(r.drifted).toEqual([{ objectKey: 'user/dee@contoso.com', rule: 'link-dee', stepIds: r.plan!.steps.map((s) => s.id), blockedBy: [] }]);
    expect(r.rules[0]).toMatchObject({ name: 'link-dee', checked: 1, drifted: 1 });
  });

  it('tenant settings count as settings; a group rule counts groups', () => {
    const o = observed({ groups: [group('g1', 'Sales Team', true), group('g2', 'Ops', true, { isCloudManaged: true })] });
    const d = desired({ features: { blockSoftMatch: true, softMatchOnUpn: false }, threshold: 500, users: [] });
    d.groups = [{ name: 'groups-to-cloud', selector: { kind: 'all' }, authority: 'cloud', location: { file: 'manifest.yaml', line: 40, col: 5 } }];
    const r = report(d, o);
    expect(r.rules.map((x) => [x.name, x.kind, x.intent, x.checked, x.drifted])).toEqual([
      ['tenant', 'tenant', 'blockSoftMatch, softMatchOnUpn, accidentalDeletionThreshold', 3, 1],
      ['groups-to-cloud', 'groups', 'cloud via sourceOfAuthority', 2, 1],
    ]);
    expect(r.byKind).toEqual([
      { kind: 'entra.setGroupCloudManaged', objects: 1, steps: 1 },
      { kind: 'entra.setSyncFeature', objects: 1, steps: 1 },
    ]);
  });
});

describe('what could not be read', () => {
  it('unread features are "could not read", not drift, even when the planner guessed a step', () => {
    const o = observed({ tenant: { features: null, accidentalDeletionPrevention: null } });
    const d = desired({ features: { blockSoftMatch: true }, threshold: 500 });
    const r = report(d, o);
    // the planner takes the manifest's values as in force (no step) and says it assumed them; the
    // report does not call the unread settings "in sync" either
    expect(r.plan!.steps).toEqual([]);
    expect(r.plan!.hazards.map((h) => h.code)).toContain('tenant-settings-unknown');
    expect(r.drifted).toEqual([]);
    expect(r.status).toBe('incomplete');
    expect(r.rules).toEqual([expect.objectContaining({ name: 'tenant', checked: 2, unread: 2, drifted: 0, status: 'unread' })]);
    expect(r.summary.inSync).toBe(0);
    expect(r.unread.map((u) => u.subject)).toEqual(['tenant-sync-features', 'deletion-threshold']);
  });

  it('unread features the manifest does not manage are no finding', () => {
    const r = report(desired({}), observed({ tenant: { features: null, accidentalDeletionPrevention: null } }));
    expect(r.unread).toEqual([]);
    expect(r.status).toBe('in-sync');
  });

  it('plan errors name the rules involved', () => {
    const o = observed({ ad: [cid], entra: [syncedFrom(cid, 'e3')] });
    const d = desired({ users: [cloudRule('a', { kind: 'all' }, 'sourceOfAuthority'), onPremRule('b', { kind: 'all' }, 'hard'), cloudRule('c', { kind: 'upn', upn: 'nobody@contoso.com' }, 'sourceOfAuthority')] });
    const r = report(d, o);
    expect(r.status).toBe('incomplete');
    expect(r.unread).toEqual([{ subject: 'plan', message: expect.stringContaining('rule-conflict'), rules: ['a', 'b'] }]);
    expect(r.rules.map((x) => x.status)).toEqual(['unread', 'unread', 'in-sync']);
  });

  it('nothing read: every rule unread, no plan', () => {
    const d = desired({ users: [cloudRule('a', { kind: 'all' }, 'sourceOfAuthority')], threshold: 100 });
    const r = buildDriftReport({ desired: d, outcome: { read: false, message: 'cannot connect: ECONNREFUSED' }, createdAt: CREATED_AT, tool: TOOL });
    expect(r).toMatchObject({ status: 'incomplete', plan: null, source: null, drifted: [] });
    expect(r.rules.map((x) => x.status)).toEqual(['unread', 'unread']);
    expect(renderDriftJunit(r)).toMatch(/tests="2" failures="0" errors="2"/);
  });
});

describe('--since', () => {
  it('newly drifted, resolved, still drifted, and unknown now when the rule could not be read', () => {
    const o = observed({ ad: [ann, bob], entra: [syncedFrom(ann, 'e1'), syncedFrom(bob, 'e2')], tenant: { features: null } });
    const d = desired({ users: [cloudRule('sales', { kind: 'ou', dn: SALES }, 'sourceOfAuthority')], features: { blockSoftMatch: true } });
    const previous = {
      file: 'old/report.json',
      createdAt: '2026-11-20T00:00:00Z',
      status: 'drifted' as const,
      complete: true,
      drifted: [
        { objectKey: 'user/ann@contoso.com', rule: 'sales' },
        { objectKey: 'user/zed@contoso.com', rule: 'sales' },
        { objectKey: 'tenant', rule: 'tenant' },
      ],
    };
    const r = report(d, o, { previous });
    expect(r.since).toEqual({
      file: 'old/report.json',
      createdAt: '2026-11-20T00:00:00Z',
      status: 'drifted',
      newlyDrifted: [{ objectKey: 'user/bob@contoso.com', rule: 'sales' }],
      resolved: [{ objectKey: 'user/zed@contoso.com', rule: 'sales' }],
      unknownNow: [{ objectKey: 'tenant', rule: 'tenant' }],
      stillDrifted: 1,
      previousComplete: true,
    });
  });

  it('reads back the report it wrote', () => {
    const o = observed({ ad: [ann], entra: [syncedFrom(ann, 'e1')] });
    const r = report(desired({ users: [cloudRule('sales', { kind: 'ou', dn: SALES }, 'sourceOfAuthority')] }), o);
    const text = encodeDriftReport(r);
    expect(JSON.parse(text).plan).toEqual(JSON.parse(JSON.stringify(r.plan)));
    expect(readPreviousReport(text, 'r.json')).toEqual({ ok: true, createdAt: CREATED_AT, status: 'drifted', drifted: [{ objectKey: 'user/ann@contoso.com', rule: 'sales' }], complete: true });
    expect(readPreviousReport('{"kind":"entra-soa/drift-report","formatVersion":2}', 'new.json')).toMatchObject({ ok: false, diagnostic: { message: expect.stringContaining('format version 2') } });
  });
});

describe('size limits', () => {
  const many = Array.from({ length: 3000 }, (_, i) => adUser(`u${i}`, 100 + i, { dn: `CN=u${i},${SALES}` }));
  const o = observed({ ad: many, entra: many.map((a, i) => syncedFrom(a, `id-${i}`)) });
  const d = desired({ users: [cloudRule('sales', { kind: 'ou', dn: SALES }, 'sourceOfAuthority', { clear: { immutableId: true, otherOnPremisesAttributes: true } })] });
  const r = report(d, o);

  it('Markdown stays under 65,000 characters and says how many objects it left out', () => {
    const md = renderDriftMarkdown(r);
    expect(md.length).toBeLessThanOrEqual(65_000);
    const shown = md.match(/<details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(10);
    expect(md).toContain(`… ${(3000 - shown).toLocaleString('en-US')} more drifted objects not shown: see report.html or report.json.`);
    expect(md.indexOf('### Rules')).toBeLessThan(md.indexOf('### Drifted objects'));
  });

  it('JUnit lists at most 500 objects per rule and counts the rest', () => {
    const xml = renderDriftJunit(r);
    expect(xml.match(/(?:^|">)user\/u\d+@contoso\.com$/gm)?.length).toBe(500);
    expect(xml).toContain('… 2,500 more drifted objects in report.json');
  });
});
