// The canary-cluster pre-flight: the VirtualService exists, its moved routes are found and send to the
// local host alone, no other controller owns it; the ServiceEntry name is free or already right; the
// target cluster answers and its ingress serves every configured route with its Host header; istiod
// answers for every source gateway pod with routes to the local host, so that verification can read
// what they apply.
import type { ChecklistItem } from '../../../src/api/records.js';
import { type MigrationPlan, type VirtualServiceTraffic, virtualServiceResource } from '../../../src/plan/index.js';
import { fail, guarded, pass } from '../../checklist.js';
import { getObject } from '../../kube/objects.js';
import { listGatewayPods } from '../../kube/pods.js';
import { routeLabel, sendProbe } from '../../probe/send-probe.js';
import { appliedRoutes } from './config-dump.js';
import { istiodAddresses, proxyId, readProxyConfigDump, readSyncz } from './istiod.js';
import { foreignOwners } from './owners.js';
import { movedRoutes, routeWeights } from './routes.js';
import { remoteAddress, serviceEntryMismatch, serviceEntryName, serviceEntryRef } from './service-entry.js';
import { readVirtualService, specOf, virtualServiceName } from './virtual-service.js';

const PROBE_TIMEOUT_MS = 5_000;

async function virtualService(traffic: VirtualServiceTraffic): Promise<ChecklistItem[]> {
  const resource = virtualServiceResource(traffic);
  const name = virtualServiceName(traffic);
  const item = `${name} exists and its routes to ${traffic.local.host} move`;
  return guarded(
    item,
    "start again once the source cluster's API server answers",
    async () => {
      const object = await readVirtualService(traffic);
      const spec = specOf(object);
      const { indexes, problems } = movedRoutes(spec, traffic);
      const routes = routeWeights(spec, indexes, traffic);
      const owners = foreignOwners(object);
      return [
        problems.length === 0
          ? pass(
              item,
              `routes ${routes.map((route) => route.route).join(', ')} send to ${traffic.local.host}:${traffic.local.port}`,
              resource,
            )
          : fail(item, problems.join('; '), 'fix traffic.httpRoutes or traffic.local, or the VirtualService', resource),
        owners.length === 0
          ? pass(`no other controller owns ${name}`, 'no Argo Rollouts, Flagger or Kruise Rollout mark', resource)
          : fail(
              `no other controller owns ${name}`,
              `owned by ${owners.join(', ')}: it would rewrite the weights gateshift writes`,
              'let that controller finish and release the VirtualService, or migrate another one',
              resource,
            ),
      ];
    },
    resource,
    { notFound: 'check traffic.virtualService and traffic.kubeContext' },
  );
}

async function targetIngress(plan: MigrationPlan & { traffic: VirtualServiceTraffic }): Promise<ChecklistItem[]> {
  const { traffic } = plan;
  const resource = virtualServiceResource(traffic);
  const item = 'the target cluster ingress is known';
  return guarded(
    item,
    "start again once the target cluster's API server answers",
    async () => {
      const address = await remoteAddress(traffic);
      const items = [pass(item, `${traffic.remote.host} → ${address}:${traffic.remote.port}`, resource)];
      const existing = await getObject(serviceEntryRef(traffic));
      const mismatch = existing && serviceEntryMismatch(existing, traffic, address);
      items.push(
        mismatch
          ? fail(
              `${serviceEntryName(traffic)} is free or already right`,
              `it exists and differs: ${mismatch}`,
              'fix or remove it, or name another with traffic.remote.serviceEntry',
              resource,
            )
          : pass(
              `${serviceEntryName(traffic)} is free or already right`,
              existing ? 'exists with the same host and endpoint: it stays' : 'absent: the preparation creates it',
              resource,
            ),
      );
      for (const route of plan.routes) {
        const probe = { ...route, port: traffic.remote.port };
        const answer = await sendProbe(address, probe, { timeoutMs: PROBE_TIMEOUT_MS });
        const label = `the target ingress answers ${routeLabel(probe)}`;
        items.push(
          answer.status !== undefined && route.expectStatus.includes(answer.status)
            ? pass(label, `${address}: HTTP ${answer.status} in ${answer.latencyMs} ms`, resource)
            : fail(
                label,
                `${address}: ${answer.error ?? `HTTP ${answer.status}`}, expected ${route.expectStatus.join(' or ')}`,
                'deploy the workload, Gateway and VirtualService in the target cluster first (seed: "Migrate your workload and configuration")',
                resource,
              ),
        );
      }
      return items;
    },
    resource,
    { notFound: 'check traffic.remote.service' },
  );
}

async function gatewayRoutes(traffic: VirtualServiceTraffic): Promise<ChecklistItem[]> {
  const { gateway, istiod } = traffic;
  const resource = virtualServiceResource(traffic);
  const item = 'istiod shows the routes of every source gateway pod (debug/syncz, debug/config_dump)';
  const where = istiod.url ?? `the ${istiod.namespace} pods ${JSON.stringify(istiod.selector)} on port ${istiod.port}`;
  return guarded(
    item,
    "start again once the source cluster's API server answers",
    async () => {
      const pods = (
        await listGatewayPods({
          namespace: gateway.namespace,
          selector: gateway.selector,
          context: traffic.kubeContext,
        })
      ).filter((pod) => pod.ready && pod.ip);
      if (pods.length === 0)
        return fail(
          item,
          `no ready pod in ${gateway.namespace} matches ${JSON.stringify(gateway.selector)}`,
          'check traffic.gateway',
          resource,
        );
      const problems: string[] = [];
      const versions = new Set<string>();
      try {
        const synced = await readSyncz(await istiodAddresses(traffic));
        for (const pod of pods) {
          const proxy = proxyId(pod.name, gateway.namespace);
          const sync = synced.get(proxy);
          if (!sync) {
            problems.push(`${pod.name}: not connected to istiod`);
            continue;
          }
          if (sync.status.istio_version) versions.add(sync.status.istio_version);
          const routes = appliedRoutes(await readProxyConfigDump(sync.istiod, proxy), traffic);
          if (routes.length === 0) problems.push(`${pod.name}: no route to ${traffic.local.host}`);
        }
      } catch (error) {
        problems.push((error as Error).message);
      }
      return problems.length === 0
        ? pass(
            item,
            `${pods.length} pod(s) route to ${traffic.local.host}${versions.size ? ` (Istio ${[...versions].join(', ')})` : ''}, asked of istiod at ${where}`,
            resource,
          )
        : fail(
            item,
            problems.join('; '),
            `check traffic.istiod (asked: ${where}), that the worker may read istiod's debug port (see the README), and that the pods serve the VirtualService`,
            resource,
          );
    },
    resource,
  );
}

export async function virtualServicePreflight(
  plan: MigrationPlan & { traffic: VirtualServiceTraffic },
  progress: (items: ChecklistItem[]) => void,
): Promise<ChecklistItem[]> {
  const items: ChecklistItem[] = [];
  for (const check of [
    () => virtualService(plan.traffic),
    () => targetIngress(plan),
    () => gatewayRoutes(plan.traffic),
  ]) {
    items.push(...(await check()));
    progress(items);
  }
  return items;
}
