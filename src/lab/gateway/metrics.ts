// A gateway pod's Istio standard metrics, as an ingress gateway reports them (reporter="source"), on a
// registry of its own so that every pod is its own Prometheus target.
import { Counter, Histogram, Registry } from 'prom-client';

// Istio's default buckets for istio_request_duration_milliseconds.
const DURATION_BUCKETS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
];

const LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_canonical_revision',
  'destination_service',
  'response_code',
  'request_protocol',
] as const;

export interface Workload {
  workload: string;
  namespace: string;
  /** Istio's canonical revision of the workload: the pod's version. */
  revision: string;
}

export interface IstioStats {
  registry: Registry;
  record(answer: { status: number; destinationService?: string; durationMs: number }): void;
}

export function createIstioStats({ workload, namespace, revision }: Workload): IstioStats {
  const registry = new Registry();
  const requests = new Counter({
    name: 'istio_requests_total',
    help: 'Requests processed by the gateway',
    labelNames: LABELS,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'istio_request_duration_milliseconds',
    help: 'Request duration in milliseconds',
    labelNames: LABELS,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  return {
    registry,
    record({ status, destinationService, durationMs }) {
      const labels = {
        reporter: 'source',
        source_workload: workload,
        source_workload_namespace: namespace,
        source_canonical_revision: revision,
        destination_service: destinationService ?? 'unknown',
        response_code: String(status),
        request_protocol: 'http',
      };
      requests.inc(labels);
      duration.observe(labels, durationMs);
    },
  };
}
