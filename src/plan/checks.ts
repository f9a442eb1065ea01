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

export function defaultChecks(analysis: ParsedInput['analysis']): AnalysisCheck[] {
  return [
    {
      name: 'target-5xx-ratio',
      query:
        `sum(rate(istio_requests_total{${SELECT},response_code=~"5.."}[{{window}}]))` +
        ` / sum(rate(istio_requests_total{${SELECT}}[{{window}}]))`,
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
