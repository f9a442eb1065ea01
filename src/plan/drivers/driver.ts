// The pure half of a driver (after Argo Rollouts' traffic routers and Flagger's router factory): its
// fragment of the input, its cross-field checks, the steps it produces, the resources it locks and
// what a rollback restores. The workflow runs what this half plans; the side-effect half lives in
// activities/drivers/<kind>/.
import type { z } from 'zod';
import type { CheckSubjects, QueryVariables } from '../checks.js';
import type { RouteProbe } from '../schema.js';
import type { ApprovalMode, Step, StepSpec } from '../steps.js';
import type { SideWeights } from '../weights.js';

/** A phase of the input, its defaults filled in. */
export interface PlannedPhase {
  name: string;
  sourceWeight: number;
  targetWeight: number;
  soakMs: number;
  approval: ApprovalMode;
}

/** The driver-independent part of the input that a driver plans with. */
export interface CommonInput {
  phases: PlannedPhase[];
  approval: ApprovalMode;
  verifyTimeoutMs: number;
  /** The routes to probe: a driver whose pre-flight probes them requires some. */
  routes: RouteProbe[];
}

/** One write a step makes, for the preview (`gateshift plan`): on which object of which resource, and what. */
export interface ResourceWrite {
  /** The resource key the write belongs to, e.g. `clb/lb-…`. */
  resource: string;
  /** The object written, e.g. `Service istio-system/istio-ingressgateway`, or the API called. */
  object: string;
  /** What is written, e.g. `service.beta.kubernetes.io/alibaba-cloud-loadbalancer-weight: "90"`. */
  change: string;
}

/** A refused value: `field` is its path from the input's root, e.g. `traffic.loadBalancers[1].id`. */
export interface Problem {
  field: string;
  problem: string;
}

export interface PlanDriver<Schema extends z.ZodObject, Traffic extends { kind: string }> {
  kind: Traffic['kind'];
  /** Whether the driver shifts weights phase by phase (`phases` apply), or runs steps of its own. */
  movesWeights: boolean;
  /** The input's `traffic` object for this driver: a strict object whose `kind` is a literal. */
  fragment: Schema;
  /** Problems that relate several fields of the fragment, or the fragment and the rest of the input. */
  problems(fragment: z.output<Schema>, input: CommonInput): Problem[];
  /** The normalised description of what moves, which the activities receive (plain JSON). */
  traffic(fragment: z.output<Schema>): Traffic;
  steps(traffic: Traffic, input: CommonInput): StepSpec[];
  /**
   * The writes one of its steps makes, in the order it makes them, for the preview: none for a step that
   * only waits, soaks or ends. `before`: the weights the previous shift left (the start state at first).
   */
  writes(traffic: Traffic, step: Step, before: SideWeights | null): ResourceWrite[];
  /** Keys of the resources no other migration may touch meanwhile, e.g. `clb/lb-…`. */
  locks(traffic: Traffic): string[];
  /** The weights a rollback restores (the side that grows first); null for a driver without weights. */
  restore(traffic: Traffic): SideWeights | null;
  /** The placeholders of the analysis queries: whose metrics the checks read. */
  analysisVariables(traffic: Traffic): Omit<QueryVariables, 'window'>;
  /** Whose metrics the default checks read; default: the target and source workloads. */
  checkSubjects?(traffic: Traffic): CheckSubjects;
  /** One line for the Web UI's summary. */
  summary(traffic: Traffic): string;
  /** Markdown lines for the Web UI's details: what moves where. */
  details(traffic: Traffic): string[];
}
