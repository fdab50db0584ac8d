/**
 * One privileged-role table in the product (src/graph/roles.ts); the lab keeps its own as an
 * independent judge. They must agree on every role the lab knows: same template id for the same name,
 * and the same answer to "privileged?".
 */
import { describe, expect, it } from 'vitest';
import { PRIVILEGED_ROLE_TEMPLATES, isPrivilegedRoleTemplate } from '../../../src/graph/roles.js';
import { ENTRA_ROLE_TEMPLATE_IDS } from '../../../src/lab/identities.js';
import { ROLE_TEMPLATES, isPrivilegedRoleTemplate as labIsPrivileged } from '../../../src/lab/tenant/role-templates.js';

const productIdOf = (name: string) => Object.entries(PRIVILEGED_ROLE_TEMPLATES).find(([, n]) => n === name)?.[0];

describe('the privileged-role table', () => {
  it("agrees with the lab's role templates: privileged or not, and the same template id for a privileged name", () => {
    expect(ROLE_TEMPLATES.length).toBeGreaterThan(0);
    for (const t of ROLE_TEMPLATES) {
      expect([t.displayName, isPrivilegedRoleTemplate(t.roleTemplateId)]).toEqual([t.displayName, t.privileged]);
      expect([t.displayName, labIsPrivileged(t.roleTemplateId)]).toEqual([t.displayName, t.privileged]);
      if (t.privileged) expect(productIdOf(t.displayName)).toBe(t.roleTemplateId);
    }
  });

  it("agrees with the template ids of the lab's identities", () => {
    for (const [name, id] of Object.entries(ENTRA_ROLE_TEMPLATE_IDS)) {
      const product = productIdOf(name);
      if (product !== undefined) expect([name, product]).toEqual([name, id]);
      else expect([name, isPrivilegedRoleTemplate(id)]).toEqual([name, false]);
    }
  });

  it('holds lower-case GUIDs and distinct names; lookups ignore case; unknown and absent ids are not privileged', () => {
    const ids = Object.keys(PRIVILEGED_ROLE_TEMPLATES);
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(id))).toBe(true);
    expect(new Set(Object.values(PRIVILEGED_ROLE_TEMPLATES)).size).toBe(ids.length);
    expect(isPrivilegedRoleTemplate('62E90394-69F5-4237-9190-012177145E10')).toBe(true);
    // Microsoft does not label these privileged: Exchange Administrator, Directory Synchronization Accounts
    expect(isPrivilegedRoleTemplate('29232cdf-9323-42fd-ade2-1d097af3e4de')).toBe(false);
    expect(isPrivilegedRoleTemplate('d29b2b05-8046-44ba-8758-1e26182fcf32')).toBe(false);
    expect(isPrivilegedRoleTemplate('00000000-0000-0000-0000-000000000000')).toBe(false);
    expect(isPrivilegedRoleTemplate(null)).toBe(false);
    expect(isPrivilegedRoleTemplate(undefined)).toBe(false);
  });
});
