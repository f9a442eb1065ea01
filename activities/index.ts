// The activities the worker registers: the real Kubernetes, CLB, probe and Prometheus side effects,
// each handed to the driver a request names. Each is idempotent; see contracts.ts. Credentials stay in
// the worker (kubeconfig, the Alibaba credential chain, PROMETHEUS_BEARER_TOKEN), never in a request
// or a result.
import { analyze } from './analysis/analyze.js';
import { AsmClient } from './asm/client.js';
import { ClbClient } from './clb/client.js';
import type { MigrationActivities } from './contracts.js';
import { createDrivers, type DriverRegistry } from './drivers/index.js';
import { describeLockHolder } from './engine/lock-holder.js';
import { preflightActivity } from './engine/preflight.js';
import { previewActivity } from './engine/preview.js';
import { stepActivities } from './engine/steps.js';
import { weightActivities } from './engine/weights.js';
import { createNotifyActivities } from './notify/index.js';

/** The activities over a set of drivers (the worker's real ones, or a test's). */
export function activitiesFor(drivers: DriverRegistry): MigrationActivities {
  return {
    preflight: preflightActivity(drivers),
    readPreview: previewActivity(drivers),
    ...weightActivities(drivers),
    ...stepActivities(drivers),
    analyze,
    describeLockHolder,
    ...createNotifyActivities(),
  };
}

/** One client per region, made on first use. */
function perRegion<T>(make: (regionId: string) => T): (regionId: string) => T {
  const clients = new Map<string, T>();
  return (regionId) => {
    const client = clients.get(regionId) ?? make(regionId);
    clients.set(regionId, client);
    return client;
  };
}

export function createActivities(): MigrationActivities {
  return activitiesFor(
    createDrivers({
      clbClient: perRegion((regionId) => new ClbClient({ regionId })),
      asmClient: perRegion((regionId) => new AsmClient({ regionId })),
    }),
  );
}
