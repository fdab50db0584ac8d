import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeGraphError } from '../../../src/graph/errors.js';
import { STEP_PERMISSIONS, permissionsTableMarkdown, stepPermissions } from '../../../src/graph/permissions.js';
import { GraphError } from '../../../src/model/entra.js';

describe('permissions table', () => {
  it('docs/graph-access.md shows exactly the table the code has', () => {
    const doc = readFileSync(new URL('../../../docs/graph-access.md', import.meta.url), 'utf8');
    expect(doc).toContain(permissionsTableMarkdown());
  });

  it('names the SOA-switch permission and role, and AD rights for AD steps', () => {
    expect(STEP_PERMISSIONS['entra.setCloudManaged']).toMatchObject({
      graphPermissions: ['User-OnPremisesSyncBehavior.ReadWrite.All'],
      entraRoles: ['Hybrid Identity Administrator'],
    });
    expect(STEP_PERMISSIONS['ad.move'].graphPermissions).toEqual([]);
    expect(STEP_PERMISSIONS['ad.move'].adRights).toContain('target OU');
    expect(stepPermissions('read')?.allRequired).toBe(true);
  });

  it('a 403 on a read asks for all the read permissions', () => {
    const e = new GraphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', 'rid-1');
    expect(describeGraphError(e, { step: 'read', object: 'Entra ID' })).toBe(
      'read on Entra ID failed: permission denied: grant the app User.Read.All and Group.Read.All and RoleManagement.Read.Directory and ' +
        'Organization.Read.All and OnPremDirectorySynchronization.Read.All and User-OnPremisesSyncBehavior.ReadWrite.All (reading isCloudManaged) ' +
        '(admin consent); for delegated sign-in, also the role Hybrid Identity Administrator or Global Reader. See docs/graph-access.md. ' +
        '(Graph 403 Authorization_RequestDenied, request-id rid-1)',
    );
  });
});
