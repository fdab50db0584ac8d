// One rule for how plan, apply's stale check and drift join AD and Entra users (joinOptionsFor): the
// tenant's softMatchOnUpn as read, else the manifest's (an application cannot read it), else off.
import { describe, expect, it } from 'vitest';
import { joinOptionsFor } from '../../../src/identity/join.js';
import type { DesiredState } from '../../../src/model/desired.js';
import type { ObservedState } from '../../../src/model/observed.js';

const desired = (softMatchOnUpn: boolean | undefined) =>
  ({ activeDirectory: { sourceAnchor: 'mS-DS-ConsistencyGuid' }, tenant: { features: softMatchOnUpn === undefined ? {} : { softMatchOnUpn } } }) as unknown as DesiredState;
const observed = (softMatchOnUpnEnabled: boolean | null) =>
  ({ tenant: { features: softMatchOnUpnEnabled === null ? null : { softMatchOnUpnEnabled } } }) as unknown as ObservedState;

describe('joinOptionsFor', () => {
  it('the tenant as read wins; unread, the manifest; neither, off', () => {
    expect(joinOptionsFor(desired(false), observed(true))).toEqual({ sourceAnchor: 'mS-DS-ConsistencyGuid', softMatchOnUpn: true });
    expect(joinOptionsFor(desired(true), observed(false)).softMatchOnUpn).toBe(false);
    expect(joinOptionsFor(desired(true), observed(null)).softMatchOnUpn).toBe(true);
    expect(joinOptionsFor(desired(undefined), observed(null)).softMatchOnUpn).toBe(false);
  });
});
