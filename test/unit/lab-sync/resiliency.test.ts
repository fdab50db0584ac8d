// Duplicate-attribute resiliency
// (https://learn.microsoft.com/entra/identity/hybrid/connect/how-to-connect-syncservice-duplicate-attribute-resiliency):
// a synced object with a UPN or proxy address another object holds is created or updated with the
// value quarantined; the conflict is recorded on the object once (not an error retried every cycle)
// and the value comes back when the conflict is resolved.
import { describe, expect, it } from 'vitest';
import { runSyncCycle } from '../../../src/lab/sync-cycle.js';
import { SALES, person, world } from './fixtures.js';

const DOMAINS = ['lab.example.test', 'labtenant.onmicrosoft.com'];

describe('a proxy address two AD users share', () => {
  it('the second is created without it, the conflict is recorded on it once, and later cycles change nothing', async () => {
    const w = world({ domains: DOMAINS });
    const first = w.directory.addUser(SALES, person('ruby.rossi'));
    w.directory.addUser(SALES, person('ruby.rossi2', { proxyAddresses: ['SMTP:ruby.rossi2@lab.example.test', 'smtp:ruby.rossi@lab.example.test'] }));
    const r = await runSyncCycle(w);
    expect(r.errors).toEqual([]);
    expect(r.created.map((o) => o.upn)).toEqual(['ruby.rossi@lab.example.test', 'ruby.rossi2@lab.example.test']);
    const holder = w.tenant.getUserByUpn('ruby.rossi@lab.example.test');
    const second = w.tenant.getUserByUpn('ruby.rossi2@lab.example.test');
    expect(second?.proxyAddresses).toEqual(['SMTP:ruby.rossi2@lab.example.test']);
    expect(r.quarantined).toEqual([
      {
        userId: second?.id,
        upn: 'ruby.rossi2@lab.example.test',
        dn: `CN=ruby rossi2,${SALES}`,
        property: 'ProxyAddresses',
        value: 'smtp:ruby.rossi@lab.example.test',
        code: 'AttributeValueMustBeUnique',
        heldBy: { userId: holder?.id, upn: 'ruby.rossi@lab.example.test' },
      },
    ]);
    // on the object, as Graph's onPremisesProvisioningErrors shows it
    expect(w.tenant.listProvisioningErrors(second?.id).map((e) => [e.category, e.propertyCausingError, e.value])).toEqual([
      ['PropertyConflict', 'ProxyAddresses', 'smtp:ruby.rossi@lab.example.test'],
    ]);
    const again = await runSyncCycle(w);
    expect(again.counts).toMatchObject({ quarantined: 0, released: 0, errors: 0, updated: 0, unchanged: 2 });
    expect(w.tenant.listQuarantines()).toHaveLength(1);

    // resolved in AD: the holder drops the address, and the quarantined value comes back
    await w.directory.modifyUser(first.dn, [{ attribute: 'proxyAddresses', to: ['SMTP:ruby.r@lab.example.test'] }]);
    const fixed = await runSyncCycle(w);
    expect(fixed.released.map((x) => [x.upn, x.property, x.value])).toEqual([['ruby.rossi2@lab.example.test', 'ProxyAddresses', 'smtp:ruby.rossi@lab.example.test']]);
    expect(w.tenant.getUserByUpn('ruby.rossi2@lab.example.test')?.proxyAddresses).toEqual(['SMTP:ruby.rossi2@lab.example.test', 'smtp:ruby.rossi@lab.example.test']);
    expect(w.tenant.listQuarantines()).toEqual([]);
  });
});

describe('a UPN another object holds', () => {
  it('is replaced by <prefix><4 digits>@<initial domain>, kept across cycles, and given back when the holder goes', async () => {
    const w = world({ domains: DOMAINS });
    // a cloud-only user with the UPN and another address: UPN soft match is off, so no match
    const holder = w.tenant.createUser({ userPrincipalName: 'sam.stone@lab.example.test', mail: 'sam@lab.example.test', proxyAddresses: ['SMTP:sam@lab.example.test'] });
    const b = w.directory.addUser(SALES, person('sam.stone'));
    const r = await runSyncCycle(w);
    const created = r.created.find((o) => o.dn === b.dn);
    expect(created?.upn).toMatch(/^sam\.stone\d{4}@labtenant\.onmicrosoft\.com$/);
    expect(r.quarantined.map((q) => [q.dn, q.property, q.value, q.heldBy.userId])).toEqual([[b.dn, 'UserPrincipalName', 'sam.stone@lab.example.test', holder.id]]);
    expect(w.tenant.getUser(created?.userId ?? '')?.onPremisesUserPrincipalName).toBe('sam.stone@lab.example.test');

    const again = await runSyncCycle(w);
    expect(again.counts).toMatchObject({ quarantined: 0, updated: 0, errors: 0 });
    expect(w.tenant.getUser(created?.userId ?? '')?.userPrincipalName).toBe(created?.upn);

    w.tenant.deleteUser(holder.id);
    const back = await runSyncCycle(w);
    expect(back.released.map((x) => [x.property, x.value])).toEqual([['UserPrincipalName', 'sam.stone@lab.example.test']]);
    expect(w.tenant.getUser(created?.userId ?? '')?.userPrincipalName).toBe('sam.stone@lab.example.test');
    expect(w.tenant.listProvisioningErrors(created?.userId)).toEqual([]);
  });

  it('the same object gets the same placeholder in another lab (deterministic)', async () => {
    const make = async () => {
      const w = world({ domains: DOMAINS });
      w.tenant.createUser({ userPrincipalName: 'sam.stone@lab.example.test' });
      w.directory.addUser(SALES, person('sam.stone'));
      return (await runSyncCycle(w)).created[0]?.upn;
    };
    expect(await make()).toBe(await make());
  });

  it('an update to a UPN another object holds is quarantined too, not an export error', async () => {
    const w = world({ domains: DOMAINS });
    w.directory.addUser(SALES, person('tara.tate'));
    const ad = w.directory.addUser(SALES, person('tom.tate'));
    await runSyncCycle(w);
    const id = w.tenant.getUserByUpn('tom.tate@lab.example.test')?.id ?? '';
    w.tenant.createUser({ userPrincipalName: 'tom.t@lab.example.test' });
    await w.directory.modifyUser(ad.dn, [{ attribute: 'userPrincipalName', to: ['tom.t@lab.example.test'] }]);
    const r = await runSyncCycle(w);
    expect(r.errors).toEqual([]);
    expect(r.quarantined.map((q) => [q.userId, q.value])).toEqual([[id, 'tom.t@lab.example.test']]);
    expect(w.tenant.getUser(id)?.userPrincipalName).toMatch(/^tom\.t\d{4}@labtenant\.onmicrosoft\.com$/);
  });
});
