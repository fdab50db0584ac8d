import { canonicalJson } from '../model/fingerprint.js';
import type { PlannedStep } from '../model/plan.js';
import { stepEffect } from '../steps/index.js';

/**
 * A planned step's signature: its object and its effect (`StepKindSpec.effect`: what the step does,
 * without the old values it only reports), as canonical JSON. Steps of two plans made from the same
 * manifest are the same step when their signatures are equal, whatever their ids (ids are numbers in
 * emission order and shift when another object's steps come or go).
 */
export function stepSignature(s: Pick<PlannedStep, 'objectKey' | 'step'>): string {
  return canonicalJson({ objectKey: s.objectKey, effect: stepEffect(s.step) });
}
