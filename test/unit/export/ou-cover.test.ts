/** OU grouping and sync-scope inference for export, from → to → expected. */
import { describe, expect, it } from 'vitest';
import { inferSyncScope } from '../../../src/export/infer-scope.js';
import { coverByOu } from '../../../src/export/ou-cover.js';

const B = 'DC=x,DC=test';
const OUS = [`OU=Staff,${B}`, `OU=Sales,OU=Staff,${B}`, `OU=IT,OU=Staff,${B}`, `OU=Old,OU=Staff,${B}`, `OU=Ext,${B}`];
const at = (cn: string, ou: string) => `CN=${cn},${ou}${ou === '' ? '' : ','}${B}`;

describe('coverByOu', () => {
  it('takes the highest OU whose every candidate is a member, lists the rest', () => {
    const entries = [
      { id: 'a', dn: at('a', 'OU=Sales,OU=Staff'), member: true },
      { id: 'b', dn: at('b', 'OU=Sales,OU=Staff'), member: true },
      { id: 'c', dn: at('c', 'OU=IT,OU=Staff'), member: true },
      { id: 'd', dn: at('d', 'OU=IT,OU=Staff'), member: false },
      { id: 'e', dn: at('e', 'OU=Ext'), member: true },
    ];
    expect(coverByOu(entries, OUS, 2)).toEqual({ ous: [{ dn: `OU=Sales,OU=Staff,${B}`, ids: ['a', 'b'] }], rest: ['c', 'e'] });
    // with every Staff user a member, Staff replaces its children
    const all = entries.map((e) => ({ ...e, member: true }));
    expect(coverByOu(all, OUS, 2).ous.map((o) => [o.dn, o.ids.length])).toEqual([[`OU=Staff,${B}`, 4]]);
    // an OU with one member is not shorter than its UPN
    expect(coverByOu(all, OUS, 2).rest).toEqual(['e']);
  });
});

describe('inferSyncScope', () => {
  it('includes the top OU of the synced users and excludes a child OU that holds only unsynced ones', () => {
    const evidence = [
      { dn: at('a', 'OU=Sales,OU=Staff'), synced: true },
      { dn: at('b', 'OU=IT,OU=Staff'), synced: true },
      { dn: at('c', 'OU=Old,OU=Staff'), synced: false },
      { dn: at('d', 'OU=Ext'), synced: false },
      { dn: at('e', 'OU=Ext'), synced: null },
    ];
    expect(inferSyncScope(evidence, OUS)).toEqual({ include: [`OU=Staff,${B}`], exclude: [`OU=Old,OU=Staff,${B}`] });
  });

  it('a tie in a mixed OU includes it and excludes the unsynced child; users whose state says nothing do not count', () => {
    const evidence = [
      { dn: at('a', 'OU=Sales,OU=Staff'), synced: false },
      { dn: at('b', 'OU=IT,OU=Staff'), synced: true },
      { dn: at('c', 'OU=IT,OU=Staff'), synced: null },
    ];
    expect(inferSyncScope(evidence, OUS)).toEqual({ include: [`OU=Staff,${B}`], exclude: [`OU=Sales,OU=Staff,${B}`] });
    // one more unsynced user tips the majority: only IT is included
    const more = [...evidence, { dn: at('f', 'OU=Sales,OU=Staff'), synced: false }];
    expect(inferSyncScope(more, OUS)).toEqual({ include: [`OU=IT,OU=Staff,${B}`], exclude: [] });
  });
});
