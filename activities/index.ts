// The activities the worker registers: the real Kubernetes, CLB, probe and Prometheus side effects.
// Each is idempotent; see contracts.ts. Credentials stay in the worker (kubeconfig, the Alibaba
// credential chain, PROMETHEUS_BEARER_TOKEN), never in a request or a result.
import { analyze } from './analysis/analyze.js';
import { ClbClient } from './clb/client.js';
import type { MigrationActivities } from './contracts.js';
import { createClbAnnotationDriver } from './drivers/clb-annotation.js';
import { describeLeaseHolder } from './lease-holder.js';
import { createPreflight } from './preflight/index.js';
import { probeRoutes } from './probe-routes.js';
import { weightActivities } from './weights.js';

export function createActivities(): MigrationActivities {
  const clients = new Map<string, ClbClient>();
  const clbClient = (regionId: string) => {
    let client = clients.get(regionId);
    if (!client) {
      client = new ClbClient({ regionId });
      clients.set(regionId, client);
    }
    return client;
  };
  return {
    ...weightActivities(createClbAnnotationDriver(clbClient)),
    preflight: createPreflight(clbClient),
    probeRoutes,
    analyze,
    describeLeaseHolder,
  };
}
