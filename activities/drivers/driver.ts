// The side-effect half of a driver (after Argo Rollouts' traffic routers and step plugins): its
// pre-flight items, its weight router with read-back, its actions (an undo is an action too) and the
// conditions its await steps wait for. The pure half in src/plan/drivers/ plans the steps that name them.
import type { ChecklistItem, Observation, WeightWrite } from '../../src/api/records.js';
import type { Json, MigrationPlan, SideWeights } from '../../src/plan/index.js';
import type { ActionOutcome, ConditionMetrics, ConditionState } from '../contracts.js';

export interface WeightRouter<Traffic> {
  /** Writes the absolute weights on every resource, the growing side first, and reads them back. */
  setWeights(traffic: Traffic, weights: SideWeights): Promise<WeightWrite[]>;
  /** What every resource's data plane applies now, against what `desired` should make it apply. */
  observe(traffic: Traffic, desired: SideWeights): Promise<Observation[]>;
  /** What the data plane's controller reported since `since` (ISO time) about failing to apply weights, one
   * line each, naming the controller ("the CCM reported: …"). */
  complaints(traffic: Traffic, since: string): Promise<string[]>;
}

export type Action<Traffic> = (traffic: Traffic, args: { [key: string]: Json }) => Promise<ActionOutcome>;
export type Condition<Traffic> = (
  traffic: Traffic,
  args: { [key: string]: Json },
  metrics: ConditionMetrics,
) => Promise<ConditionState>;

export interface DriverActivities<Traffic> {
  /** Every precondition, as checklist items; `progress` is called as items come in (a heartbeat). */
  preflight(
    plan: MigrationPlan & { traffic: Traffic },
    progress: (items: ChecklistItem[]) => void,
  ): Promise<ChecklistItem[]>;
  /** Absent for a driver that moves no weights. */
  router?: WeightRouter<Traffic>;
  actions: { [name: string]: Action<Traffic> };
  /**
   * What an action would change, read from the live world and writing nothing (a dry-run diff), for the
   * approver at its gate; an action without one is shown by the plan's static preview.
   */
  previews?: { [name: string]: Action<Traffic> };
  conditions: { [name: string]: Condition<Traffic> };
}
