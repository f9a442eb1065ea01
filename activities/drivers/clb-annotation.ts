// The CLB-annotation traffic driver: the weight annotation of each CLB's source and target Service is
// the split; the cloud controller manager turns it into backend weights, which are read back from
// the CLB API. Several CLBs move in lockstep: the growing side is raised on every CLB before the
// shrinking side is lowered on any, so no CLB ever has every gateway at 0.
import { type Side, type SideWeights, writeOrder } from '../../src/plan/weights.js';
import type { ClbClient } from '../clb/client.js';
import { readEffectiveWeights } from '../clb/poll-effective.js';
import type { AppliedWeights, EffectiveWeights, Topology, WeightsRequest, WeightWrite } from '../contracts.js';
import { readClbAnnotations, writeWeightAnnotation } from '../kube/annotations.js';
import { readCcmEvents } from '../kube/events.js';
import { type ServiceRef, serviceRef } from '../kube/service.js';
import { gatewayPods } from '../probe-routes.js';
import type { TrafficDriver } from './driver.js';

type LoadBalancer = Topology['loadBalancers'][number];

function services(topology: Topology, lb: LoadBalancer): Record<Side, ServiceRef> {
  return {
    source: serviceRef(topology.source, lb.sourceService),
    target: serviceRef(topology.target, lb.targetService),
  };
}

async function currentWeights(refs: Record<Side, ServiceRef>): Promise<SideWeights | undefined> {
  const [source, target] = await Promise.all([readClbAnnotations(refs.source), readClbAnnotations(refs.target)]);
  if (source.weight === undefined || target.weight === undefined) return undefined;
  return { source: Number(source.weight), target: Number(target.weight) };
}

export function createClbAnnotationDriver(clbClient: (regionId: string) => ClbClient): TrafficDriver {
  return {
    async setWeights(request: WeightsRequest): Promise<AppliedWeights> {
      const { topology, weights } = request;
      const plans = await Promise.all(
        topology.loadBalancers.map(async (lb) => {
          const refs = services(topology, lb);
          return { lb, refs, order: writeOrder(await currentWeights(refs), weights) };
        }),
      );
      const writes: WeightWrite[] = [];
      // Step 0 writes the side that grows (or stays) on every CLB, step 1 the side that shrinks.
      for (const step of [0, 1]) {
        for (const { lb, refs, order } of plans) {
          const side = order[step] as Side;
          const written = await writeWeightAnnotation(refs[side], weights[side]);
          writes.push({
            loadBalancerId: lb.id,
            namespace: refs[side].namespace,
            service: refs[side].service,
            side,
            weight: Number(written.after.weight),
            changed: written.changed,
          });
        }
      }
      return { writes };
    },

    /** The CCM reports a Service it cannot reconcile only as Warning Events on it. */
    async routerComplaints(topology: Topology, since: string): Promise<string[]> {
      const lines: string[] = [];
      for (const lb of topology.loadBalancers) {
        for (const ref of Object.values(services(topology, lb))) {
          for (const event of await readCcmEvents(ref, since))
            lines.push(`${ref.namespace}/${ref.service}: ${event.reason}: ${event.message}`);
        }
      }
      return [...new Set(lines)];
    },

    async readEffectiveWeights(topology: Topology, desired: SideWeights): Promise<EffectiveWeights[]> {
      const [source, target] = await Promise.all([gatewayPods(topology.source), gatewayPods(topology.target)]);
      const sourceIps = source.pods.map((pod) => pod.ip);
      const targetIps = target.pods.map((pod) => pod.ip);
      const results: EffectiveWeights[] = [];
      for (const lb of topology.loadBalancers) {
        const refs = services(topology, lb);
        results.push(
          await readEffectiveWeights(clbClient(lb.region), {
            loadBalancerId: lb.id,
            vServerGroupIds: lb.vServerGroups.map((group) => group.id),
            desired,
            source: { podIps: sourceIps, service: { namespace: refs.source.namespace, name: refs.source.service } },
            target: { podIps: targetIps, service: { namespace: refs.target.namespace, name: refs.target.service } },
          }),
        );
      }
      return results;
    },
  };
}
