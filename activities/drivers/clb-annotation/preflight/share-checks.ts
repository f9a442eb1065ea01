// What share of the traffic each phase really gives the target. The CCM spreads a Service's weight over
// its backends — pods (ENI), every node (Cluster) or the nodes running its pods (Local) — with a
// minimum of 1 each, so the share a CLB applies depends on the pod and node counts, which only the
// cluster and the CLB know: a phase written 70/10 gives the target 12.5 %, and 90/10 with 20 target
// pods 18 %. A phase far from what its weights say is worth a warning before anyone approves it, not
// a refusal; so is a weight smaller than its side's backend count, which the minimum of 1 overrides.
import type { ChecklistItem } from '../../../../src/api/records.js';
import {
  type BackendLayout,
  backendWeights,
  type ClbTraffic,
  expectedShares,
  type MigrationPlan,
  type PlannedLoadBalancer,
  type ShiftStep,
  shiftSteps,
  stepLabel,
} from '../../../../src/plan/index.js';
import { pass, unchecked, warn } from '../../../checklist.js';
import { explainUnchecked } from '../../../checklist-causes.js';
import type { ClbClient } from '../../../clb/client.js';
import type { ServiceRef } from '../../../kube/service.js';
import { backendLayout, describeLayout, readGatewaySide } from '../gateway-backends.js';
import type { Side } from './fields.js';
import { type PodsFound, withoutPods } from './pod-checks.js';

const SHARES = 'every phase gives the target about the share its weights say';
const COVERED = "every phase's weights cover their side's backends";

/** Each side's backends behind one CLB, or why they could not be read. */
export type ClbLayouts = { lb: PlannedLoadBalancer } & ({ layouts: Record<Side, BackendLayout> } | { error: unknown });

/** The Services' backend modes and counts behind a CLB, from the cluster and the backends the CCM registered. */
export async function readLayouts(
  client: ClbClient,
  lb: PlannedLoadBalancer,
  refs: Record<Side, ServiceRef>,
  source: PodsFound,
  target: PodsFound,
): Promise<ClbLayouts | undefined> {
  if ('missing' in source || 'missing' in target) return undefined;
  try {
    const groups = [];
    for (const group of lb.vServerGroups) groups.push(await client.describeVServerGroupBackends(group.id));
    const [sourceSide, targetSide] = await Promise.all([
      readGatewaySide(refs.source, source.placed),
      readGatewaySide(refs.target, target.placed),
    ]);
    return { lb, layouts: { source: backendLayout(sourceSide, groups), target: backendLayout(targetSide, groups) } };
  } catch (error) {
    return { lb, error };
  }
}

/** Off by more than a percentage point and a tenth of the share the weight says. */
function farOff(expected: number, said: number): boolean {
  return Math.abs(expected - said) > Math.max(1, said / 10);
}

interface SameLayouts {
  clbs: string[];
  layouts: Record<Side, BackendLayout>;
}

/** CLBs with the same backends on both sides share one account. */
function byLayouts(all: ClbLayouts[]): SameLayouts[] {
  const groups = new Map<string, SameLayouts>();
  for (const entry of all) {
    if (!('layouts' in entry)) continue;
    const key = JSON.stringify(entry.layouts);
    const group = groups.get(key) ?? { clbs: [], layouts: entry.layouts };
    group.clbs.push(entry.lb.id);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** "lb-a", or "every CLB (lb-a, lb-b)". */
const where = ({ clbs }: SameLayouts, total: number) =>
  total > 1 && clbs.length === total ? `every CLB (${clbs.join(', ')})` : clbs.join(', ');

function behind(same: SameLayouts, total: number): string {
  const { source, target } = same.layouts;
  const count = (layout: BackendLayout) => layout.podsPerNode.reduce((sum, n) => sum + n, 0);
  if (source.mode === 'eni' && target.mode === 'eni')
    return `${count(source)} source and ${count(target)} target pod(s) behind ${where(same, total)}`;
  return `the source on ${describeLayout(source)} and the target on ${describeLayout(target)} behind ${where(same, total)}`;
}

/** The item when a precondition is missing: no pods, or the backends could not be read. */
function missingItem(item: string, all: ClbLayouts[] | undefined, source: PodsFound, target: PodsFound) {
  if ('missing' in source) return withoutPods(item, source, 'source');
  if ('missing' in target) return withoutPods(item, target, 'target');
  const failed = all?.find((entry) => 'error' in entry);
  if (failed && 'error' in failed) {
    const why = explainUnchecked(failed.error, {});
    return unchecked(item, why.cause, why.why, why.fix ?? 'start again once the APIs answer');
  }
  return undefined;
}

export function sharesAsWeightsSay(
  plan: MigrationPlan & { traffic: ClbTraffic },
  all: ClbLayouts[],
  source: PodsFound,
  target: PodsFound,
): ChecklistItem {
  const missing = missingItem(SHARES, all, source, target);
  if (missing) return missing;
  const total = plan.traffic.loadBalancers.length;
  const accounts = byLayouts(all).map((same) => {
    const phases = shiftSteps(plan.steps).map((step) => ({
      step,
      share: expectedShares(step.weights, same.layouts.source, same.layouts.target).target,
    }));
    const shares = phases.map(({ step, share }) => `${stepLabel(step)} ${share}%`).join(', ');
    const off = phases.filter(({ step, share }) => farOff(share, step.weights.target));
    return { same, shares, off };
  });
  const off = accounts.filter((account) => account.off.length > 0);
  if (off.length === 0)
    return pass(SHARES, accounts.map((a) => `with ${behind(a.same, total)}, the target gets: ${a.shares}`).join('; '));
  const phases = [...new Set(off.flatMap((account) => account.off.map(({ step }) => `phases[${step.phase}]`)))];
  return warn(
    SHARES,
    off
      .map(
        (a) =>
          `with ${behind(a.same, total)}: ${a.off.map(({ step, share }) => `${stepLabel(step)} gives the target ${share}%, not ${step.weights.target}%`).join('; ')} (all: ${a.shares})`,
      )
      .join('; '),
    `if that is not what you mean, change the weights of ${phases.join(', ')}: each backend gets at least 1 and the weight divided by the pods (or nodes), so weights that add up to 100 and divide by the backend counts keep their share`,
  );
}

/** A side whose weight W is under its backend count: the minimum of 1 per backend gives it more than W. */
function underCovered(step: ShiftStep, layouts: Record<Side, BackendLayout>) {
  return (['source', 'target'] as const).flatMap((side) => {
    const weight = step.weights[side];
    const backends = backendWeights(weight, layouts[side]).length;
    return weight > 0 && weight < backends ? [{ side, weight, backends }] : [];
  });
}

export function weightsCoverBackends(
  plan: MigrationPlan & { traffic: ClbTraffic },
  all: ClbLayouts[],
  source: PodsFound,
  target: PodsFound,
): ChecklistItem {
  const missing = missingItem(COVERED, all, source, target);
  if (missing) return missing;
  const total = plan.traffic.loadBalancers.length;
  const flagged = byLayouts(all).flatMap((same) =>
    shiftSteps(plan.steps).flatMap((step) => {
      const under = underCovered(step, same.layouts);
      if (under.length === 0) return [];
      const share = expectedShares(step.weights, same.layouts.source, same.layouts.target);
      const sides = under
        .map(
          ({ side, weight, backends }) =>
            `the ${side} weight ${weight} is under its ${backends} backends (${describeLayout(same.layouts[side])}), each of which gets at least 1`,
        )
        .join(', and ');
      return [
        {
          step,
          text: `${stepLabel(step)} on ${where(same, total)}: ${sides}, so the CLB applies ${share.source}% to the source and ${share.target}% to the target, not ${step.weights.source}/${step.weights.target}`,
        },
      ];
    }),
  );
  if (flagged.length === 0) return pass(COVERED, 'no phase gives a side less weight than it has backends');
  return warn(
    COVERED,
    flagged.map((entry) => entry.text).join('; '),
    `if those shares are not what you mean, raise the small weight of ${[...new Set(flagged.map(({ step }) => `phases[${step.phase}]`))].join(', ')} to at least the backend count, or run fewer pods (or nodes) on that side`,
  );
}
