// The preparation and its undo: the ServiceEntry, and the remote destination at weight 0 on every
// moved route. Each is idempotent: it writes the desired state, or finds it there and changes nothing.
import type { VirtualServiceTraffic } from '../../../src/plan/index.js';
import type { ActionOutcome } from '../../contracts.js';
import { withoutRemoteDestination, withRemoteDestination } from './routes.js';
import { ensureServiceEntry, removeServiceEntry } from './service-entry.js';
import { editVirtualService, virtualServiceName } from './virtual-service.js';

async function editRoutes(
  traffic: VirtualServiceTraffic,
  edit: typeof withRemoteDestination,
  what: string,
): Promise<ActionOutcome> {
  const result = await editVirtualService(traffic, (spec, indexes) => edit(spec, indexes, traffic));
  if (!result.changed) return { changes: [] };
  const routes = result.indexes.map((index) => result.spec.http?.[index]?.name ?? `#${index}`).join(', ');
  return { changes: [`${virtualServiceName(traffic)}: ${what} on routes ${routes}`] };
}

export const virtualServiceActions = {
  'ensure-service-entry': async (traffic: VirtualServiceTraffic) => ({ changes: await ensureServiceEntry(traffic) }),
  'remove-service-entry': async (traffic: VirtualServiceTraffic) => ({ changes: await removeServiceEntry(traffic) }),
  'add-remote-destination': (traffic: VirtualServiceTraffic) =>
    editRoutes(traffic, withRemoteDestination, `+ destination ${traffic.remote.host}:${traffic.remote.port} weight 0`),
  'remove-remote-destination': (traffic: VirtualServiceTraffic) =>
    editRoutes(traffic, withoutRemoteDestination, `- destination ${traffic.remote.host}`),
};
