// What share of the traffic each phase really gives the target. The CCM gives each pod of a Service
// max(1, floor(weight / pods)), so the share a CLB applies depends on the pod counts, which only the
// cluster knows: a phase written 70/10 gives the target 12.5 %, and 90/10 with 20 target pods 18 %.
// A phase far from what its weights say is worth a warning before anyone approves it, not a refusal.
import type { ChecklistItem } from '../../../../src/api/records.js';
import {
  type ClbTraffic,
  eniLayout,
  expectedShares,
  type MigrationPlan,
  shiftSteps,
  stepLabel,
} from '../../../../src/plan/index.js';
import { pass, warn } from '../../../checklist.js';
import { type PodsFound, withoutPods } from './pod-checks.js';

const ITEM = 'every phase gives the target about the share its weights say';

/** Off by more than a percentage point and a tenth of the share the weight says. */
function farOff(expected: number, said: number): boolean {
  return Math.abs(expected - said) > Math.max(1, said / 10);
}

export function sharesAsWeightsSay(
  plan: MigrationPlan & { traffic: ClbTraffic },
  source: PodsFound,
  target: PodsFound,
): ChecklistItem {
  if ('missing' in source) return withoutPods(ITEM, source, 'source');
  if ('missing' in target) return withoutPods(ITEM, target, 'target');
  const [sourcePods, targetPods] = [source.ready.pods.length, target.ready.pods.length];
  const phases = shiftSteps(plan.steps).map((step) => ({
    step,
    share: expectedShares(step.weights, eniLayout(sourcePods), eniLayout(targetPods)).target,
  }));
  const clbs = plan.traffic.loadBalancers.map((lb) => lb.id).join(', ');
  const pods = `${sourcePods} source and ${targetPods} target pod(s) behind ${plan.traffic.loadBalancers.length > 1 ? `every CLB (${clbs})` : clbs}`;
  const shares = phases.map(({ step, share }) => `${stepLabel(step)} ${share}%`).join(', ');
  const off = phases.filter(({ step, share }) => farOff(share, step.weights.target));
  if (off.length === 0) return pass(ITEM, `with ${pods}, the target gets: ${shares}`);
  return warn(
    ITEM,
    `with ${pods}: ${off.map(({ step, share }) => `${stepLabel(step)} gives the target ${share}%, not ${step.weights.target}%`).join('; ')} (all: ${shares})`,
    `if that is not what you mean, change the weights of ${off.map(({ step }) => `phases[${step.phase}]`).join(', ')}: each pod gets max(1, floor(weight / pods)), so weights that add up to 100 and divide by the pod counts keep their share`,
  );
}
