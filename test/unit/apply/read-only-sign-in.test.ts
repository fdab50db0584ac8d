// Which sign-ins apply refuses as read-only (src/apply/read-only-sign-in.ts): only a signed-in user whose
// token lists active roles, all of them read-only, and only when the plan has a Graph write.
import { describe, expect, it } from 'vitest';
import { readOnlySignInRefusal } from '../../../src/apply/read-only-sign-in.js';
import type { SignIn } from '../../../src/model/sign-in.js';
import type { PlannedStep } from '../../../src/model/plan.js';

const GLOBAL_READER = 'f2ef992c-3afb-46b9-b7cf-a126ee74c451';
const SECURITY_READER = '5d6b6bb7-de71-4623-b4af-96380a352509';
const USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const UPN = 'ella.young@lab.example.test';

const step = (id: string, s: PlannedStep['step']): PlannedStep => ({ id, objectKey: `user/${UPN}`, step: s, dependsOn: [], hazardCodes: [], reason: 'test', action: 'change' });
const move = step('s001', { kind: 'ad.move', dn: `CN=Ella Young,OU=Sales,DC=lab`, toOu: 'OU=Unsynced,DC=lab', upn: UPN });
const restore = step('s003', { kind: 'entra.restoreDeleted', deletedId: 'd1', upn: UPN });
const user = (roles: string[]): SignIn => ({ kind: 'user', scopes: ['User.ReadWrite.All'], roles: [], directoryRoles: roles });

describe('readOnlySignInRefusal', () => {
  it('refuses a Global Reader (or Global + Security Reader) a plan with a Graph write, naming each write and the roles', () => {
    expect(readOnlySignInRefusal([move, restore], user([GLOBAL_READER]))).toEqual({
      code: 'read-only-sign-in',
      messages: [
        `s003 restore ${UPN} from deleted users: Graph refuses this change from the signed-in user, whose only active roles are read-only (Global Reader)`,
        expect.stringMatching(/^Nothing was changed\. Run apply again signed in as an administrator who may make these changes/),
      ],
    });
    expect(readOnlySignInRefusal([restore], user([GLOBAL_READER.toUpperCase(), SECURITY_READER]))?.messages[0]).toMatch(/\(Global Reader, Security Reader\)$/);
  });

  it('lets Graph decide when any role may write, when the token lists no roles, for an application, or when the plan writes only to AD', () => {
    expect(readOnlySignInRefusal([restore], user([GLOBAL_READER, USER_ADMIN]))).toBeNull();
    expect(readOnlySignInRefusal([restore], user([]))).toBeNull();
    expect(readOnlySignInRefusal([restore], { kind: 'application', scopes: [], roles: ['User.ReadWrite.All'], directoryRoles: [GLOBAL_READER] })).toBeNull();
    expect(readOnlySignInRefusal([move], user([GLOBAL_READER]))).toBeNull();
  });
});
