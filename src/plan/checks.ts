// Default analysis checks on Istio's standard metrics, as the ASM procedure asks: error rate,
// latency and throughput of the target gateway. Ingress gateways report as reporter="source".
import type { ParsedInput } from './schema.js';

export interface AnalysisCheck {
  name: string;
  query: string;
  pass: '<' | '<=' | '>' | '>=';
  threshold: number;
}

/** Whose metrics the default checks read: Prometheus label selectors, and the name the checks carry. */
export interface CheckSubjects {
  /** The side that takes the new traffic, e.g. the target gateway, or a canary. */
  target: string;
  /** The side it is compared with. */
  source: string;
  /** Check names start with it: `target-5xx-ratio`, `canary-5xx-ratio`. */
  name: string;
  /** Compare the error ratio with the source's even when maxErrorRatioAboveSource is not set. */
  alwaysCompare?: boolean;
  /** Compare the p99 latency with the source's even when maxP99LatencyAboveSourceMs is not set. */
  alwaysCompareLatency?: boolean;
}

/** The target and source gateways as workloads, the placeholders filled from the plan. */
export const WORKLOAD_SUBJECTS: CheckSubjects = {
  target: 'reporter="source",source_workload="{{workload}}",source_workload_namespace="{{namespace}}"',
  source: 'reporter="source",source_workload="{{sourceWorkload}}",source_workload_namespace="{{sourceNamespace}}"',
  name: 'target',
};

// Istio creates the series of a 5xx response_code only once such a response happened: without `or
// vector(0)` a gateway that never failed would have no 5xx ratio at all. No traffic (an empty or
// zero denominator) still gives no data.
function errorRatio(select: string): string {
  return (
    `(sum(rate(istio_requests_total{${select},response_code=~"5.."}[{{window}}])) or vector(0))` +
    ` / sum(rate(istio_requests_total{${select}}[{{window}}]))`
  );
}

function p99(select: string): string {
  return `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${select}}[{{window}}])))`;
}

export function defaultChecks(
  analysis: ParsedInput['analysis'],
  subjects: CheckSubjects = WORKLOAD_SUBJECTS,
): AnalysisCheck[] {
  const { target, source, name } = subjects;
  const checks: AnalysisCheck[] = [
    {
      name: `${name}-5xx-ratio`,
      query: errorRatio(target),
      pass: '<=',
      threshold: analysis.maxErrorRatio,
    },
    {
      name: `${name}-p99-latency-ms`,
      query: p99(target),
      pass: '<=',
      threshold: analysis.maxP99LatencyMs,
    },
    {
      name: `${name}-request-rate`,
      query: `sum(rate(istio_requests_total{${target}}[{{window}}]))`,
      pass: analysis.minRequestRate > 0 ? '>=' : '>',
      threshold: analysis.minRequestRate,
    },
  ];
  const above = analysis.maxErrorRatioAboveSource ?? (subjects.alwaysCompare ? analysis.maxErrorRatio : undefined);
  if (above !== undefined)
    checks.push({
      name: `${name}-vs-source-5xx-ratio`,
      // Without source traffic (the last phase, 0/100) there is no baseline: the target is compared
      // with itself and passes, and the 5xx-ratio check alone judges it. `>= 0` drops a NaN source ratio.
      query: `${errorRatio(target)} - ((${errorRatio(source)} >= 0) or ${errorRatio(target)})`,
      pass: '<=',
      threshold: above,
    });
  const slower =
    analysis.maxP99LatencyAboveSourceMs ?? (subjects.alwaysCompareLatency ? analysis.maxP99LatencyMs : undefined);
  if (slower !== undefined)
    checks.push({
      name: `${name}-vs-source-p99-latency-ms`,
      // As for the error ratio: without source traffic the target is compared with itself.
      query: `${p99(target)} - ((${p99(source)} >= 0) or ${p99(target)})`,
      pass: '<=',
      threshold: slower,
    });
  return checks;
}

export interface QueryVariables {
  workload: string;
  namespace: string;
  sourceWorkload: string;
  sourceNamespace: string;
  window: string;
}

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;
const VARIABLE_NAMES: readonly string[] = [
  'workload',
  'namespace',
  'sourceWorkload',
  'sourceNamespace',
  'window',
] satisfies (keyof QueryVariables)[];

/** The {{name}} placeholders of a query that renderQuery would not replace; validation refuses them. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .filter((match) => !VARIABLE_NAMES.includes(match[1] as string))
    .map((match) => match[0]);
}

/** Replaces {{name}} placeholders; an unknown placeholder is left as is so Prometheus reports it. */
export function renderQuery(template: string, variables: QueryVariables): string {
  return template.replace(PLACEHOLDER, (whole, key: string) =>
    VARIABLE_NAMES.includes(key) ? variables[key as keyof QueryVariables] : whole,
  );
}

export function passes(value: number, check: Pick<AnalysisCheck, 'pass' | 'threshold'>): boolean {
  switch (check.pass) {
    case '<':
      return value < check.threshold;
    case '<=':
      return value <= check.threshold;
    case '>':
      return value > check.threshold;
    case '>=':
      return value >= check.threshold;
  }
}
