// The records that cross between the activities, the workflow and the people reading a migration:
// pre-flight items, observations of what the data plane applies, weight writes, analysis samples.
// Driver-neutral: a resource is named by its key (`clb/lb-…`, `virtualservice/<ctx>/<ns>/<name>`).
import type { SideWeights } from '../plan/weights.js';

/**
 * pass: checked and fine. warn: checked, nothing stands in the way, but a human should look. fail:
 * checked, and it stands in the way. unchecked: the check could not be made (`cause` says why not); it
 * stands in the way like a failure, since nothing is known.
 */
export type ChecklistStatus = 'pass' | 'warn' | 'fail' | 'unchecked';

export interface ChecklistItem {
  item: string;
  /** Nothing stands in the way (pass or warn): the migration starts only when every item is ok. */
  ok: boolean;
  status: ChecklistStatus;
  why: string;
  fix?: string;
  /** The resource the item is about, when it is about one (e.g. `clb/lb-bp1…`). */
  resource?: string;
  /**
   * Why an unchecked item could not be checked, as `<reason>` or `<reason>: <detail>`: "no kubeconfig",
   * "no Alibaba Cloud credentials", "access denied: slb:DescribeHealthStatus", "not found: CLB lb-… (cn-hangzhou)".
   */
  cause?: string;
}

/** One part of a resource (a CLB's vServer group, a route): how many backends each side has and their weight. */
export interface ObservationPart {
  id: string;
  source: { backends: number; weightSum: number };
  target: { backends: number; weightSum: number };
}

/** What one resource of the data plane applies, against what the written weights should make it apply. */
export interface Observation {
  resource: string;
  /** The weights written. */
  desired: SideWeights;
  /** The shares the data plane should apply for these weights today (e.g. after the CCM's rounding). */
  expected: SideWeights;
  /** The shares it reports applying. */
  effective: SideWeights;
  agrees: boolean;
  /** Readable difference between expected and reported, when they disagree. */
  diff?: string;
  parts?: ObservationPart[];
}

export interface WeightWrite {
  resource: string;
  /** The object written, `<namespace>/<name>`. */
  object: string;
  side: keyof SideWeights;
  weight: number;
  /** false when the object already carried this weight and nothing was written. */
  changed: boolean;
}

export type Comparison = '<' | '<=' | '>' | '>=';

export interface AnalysisSample {
  check: string;
  /** null when Prometheus returned no data; missing data never passes. */
  value: number | null;
  pass: boolean;
  /** The sample passes when `value <comparison> threshold`. */
  comparison: Comparison;
  threshold: number;
  at: string;
}

export interface AnalysisBreach {
  check: string;
  value: number | null;
  threshold: number;
  pass: string;
  consecutive: number;
  at: string;
  message: string;
}

export interface AnalysisSummary {
  /** pass: every check had data and passed at its last evaluation. */
  verdict: 'pass' | 'breach' | 'no-data' | 'failing';
  evaluations: number;
  /** Evaluations in which every check had data: with the interval, how much of a soak was watched. */
  evaluationsWithData: number;
  /** The latest sample of each check. */
  samples: AnalysisSample[];
  breach?: AnalysisBreach;
}

/** What an await step's condition found at its last check, heartbeated: the status shows it while the step waits. */
export interface ConditionHeartbeat {
  round: number;
  message: string;
  at: string;
}
