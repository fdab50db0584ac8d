import { canonicalJson } from '../model/fingerprint.js';
import type { PlannedStep } from '../model/plan.js';
import { assertNever, type Step } from '../model/step.js';

/**
 * What a step does to its object, without what it only reports: the old values a step carries for
 * the reviewer (`from`, the values of the attributes it clears) are left out, because they drift
 * with no change worth a review (a sync cycle stamps `onPremisesLastSyncDateTime`, which a clear step
 * lists) and because they change nothing. Everything that decides the effect stays: the object's
 * ids and names, the target values, the attribute names, the wait's expectation and timeout.
 */
export function stepEffect(step: Step): unknown {
  switch (step.kind) {
    case 'entra.setImmutableId':
      return { kind: step.kind, userId: step.userId, upn: step.upn, to: step.to };
    case 'entra.clearOnPremisesAttributes':
      return { kind: step.kind, userId: step.userId, upn: step.upn, attributes: Object.keys(step.attributes).sort() };
    case 'entra.setSyncFeature':
      return { kind: step.kind, feature: step.feature, to: step.to };
    case 'entra.setDeletionThreshold':
      return { kind: step.kind, to: step.to };
    case 'ad.modify':
      return { kind: step.kind, dn: step.dn, upn: step.upn, changes: step.changes.map((c) => ({ attribute: c.attribute, to: c.to })) };
    case 'entra.setCloudManaged':
    case 'entra.setGroupCloudManaged':
    case 'entra.restoreDeleted':
    case 'entra.resetPassword':
    case 'entra.setTenantSync':
    case 'ad.move':
    case 'ad.createUser':
    case 'sync.await':
      return step;
    default:
      return assertNever(step, 'step');
  }
}

/**
 * A planned step's signature: its object and its effect, as canonical JSON. Steps of two plans made
 * from the same manifest are the same step when their signatures are equal, whatever their ids (ids
 * are numbers in emission order and shift when another object's steps come or go).
 */
export function stepSignature(s: Pick<PlannedStep, 'objectKey' | 'step'>): string {
  return canonicalJson({ objectKey: s.objectKey, effect: stepEffect(s.step) });
}
