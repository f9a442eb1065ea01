// Default analysis checks on Istio's standard metrics, as the ASM procedure asks: error rate,
// latency and throughput of the target gateway. Ingress gateways report as reporter="source".
import type { ParsedInput } from './schema.js';

export interface AnalysisCheck {
  name: string;
  query: string;
  pass: '<' | '<=' | '>' | '>=';
  threshold: number;
}

const SELECT = 'reporter="source",source_workload="{{workload}}",source_workload_namespace="{{namespace}}"';
const SOURCE_SELECT =
  'reporter="source",source_workload="{{sourceWorkload}}",source_workload_namespace="{{sourceNamespace}}"';

// Istio creates the series of a 5xx response_code only once such a response happened: without `or
// vector(0)` a gateway that never failed would have no 5xx ratio at all. No traffic (an empty or
// zero denominator) still gives no data.
function errorRatio(select: string): string {
  return (
    `(sum(rate(istio_requests_total{${select},response_code=~"5.."}[{{window}}])) or vector(0))` +
    ` / sum(rate(istio_requests_total{${select}}[{{window}}]))`
  );
}

export function defaultChecks(analysis: ParsedInput['analysis']): AnalysisCheck[] {
  const checks: AnalysisCheck[] = [
    {
      name: 'target-5xx-ratio',
      query: errorRatio(SELECT),
      pass: '<=',
      threshold: analysis.maxErrorRatio,
    },
    {
      name: 'target-p99-latency-ms',
      query: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${SELECT}}[{{window}}])))`,
      pass: '<=',
      threshold: analysis.maxP99LatencyMs,
    },
    {
      name: 'target-request-rate',
      query: `sum(rate(istio_requests_total{${SELECT}}[{{window}}]))`,
      pass: analysis.minRequestRate > 0 ? '>=' : '>',
      threshold: analysis.minRequestRate,
    },
  ];
  if (analysis.maxErrorRatioAboveSource !== undefined)
    checks.push({
      name: 'target-vs-source-5xx-ratio',
      // Without source traffic (the last phase, 0/100) there is no baseline: the target is compared
      // with itself and passes, and target-5xx-ratio alone judges it. `>= 0` drops a NaN source ratio.
      query: `${errorRatio(SELECT)} - ((${errorRatio(SOURCE_SELECT)} >= 0) or ${errorRatio(SELECT)})`,
      pass: '<=',
      threshold: analysis.maxErrorRatioAboveSource,
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
