// The CLB-annotation weight router: the weight annotation of each CLB's source and target Service is
// the split; the cloud controller manager turns it into backend weights, which are read back from the
// CLB API. Several CLBs move in lockstep: the growing side is raised on every CLB before the shrinking
// side is lowered on any, so no CLB ever has every gateway at 0.
import type { Observation, WeightWrite } from '../../../src/api/records.js';
import { type ClbTraffic, clbResource, type PlannedLoadBalancer } from '../../../src/plan/index.js';
import { type Side, type SideWeights, writeOrder } from '../../../src/plan/weights.js';
import type { ClbClient } from '../../clb/client.js';
import type { EffectiveWeights } from '../../clb/effective.js';
import { readEffectiveWeights } from '../../clb/read-effective.js';
import { readClbAnnotations, writeWeightAnnotation } from '../../kube/annotations.js';
import { readCcmEvents } from '../../kube/events.js';
import { type ServiceRef, serviceRef } from '../../kube/service.js';
import type { WeightRouter } from '../driver.js';
import { gatewayBackends, readGatewaySide, readyPods } from './gateway-backends.js';

function services(traffic: ClbTraffic, lb: PlannedLoadBalancer): Record<Side, ServiceRef> {
  return {
    source: serviceRef(traffic.source, lb.sourceService),
    target: serviceRef(traffic.target, lb.targetService),
  };
}

async function currentWeights(refs: Record<Side, ServiceRef>): Promise<SideWeights | undefined> {
  const [source, target] = await Promise.all([readClbAnnotations(refs.source), readClbAnnotations(refs.target)]);
  if (source.weight === undefined || target.weight === undefined) return undefined;
  return { source: Number(source.weight), target: Number(target.weight) };
}

/** A CLB's effective weights as the driver-neutral observation of the resource `clb/<id>`. */
export function observation(weights: EffectiveWeights): Observation {
  return {
    resource: clbResource(weights.loadBalancerId),
    desired: weights.desired,
    expected: weights.expected,
    effective: weights.effective,
    agrees: weights.agrees,
    diff: weights.diff,
    parts: weights.groups.map((group) => ({
      id: group.id,
      source: { backends: group.sourceBackends, weightSum: group.sourceWeightSum },
      target: { backends: group.targetBackends, weightSum: group.targetWeightSum },
    })),
  };
}

export function clbRouter(clbClient: (regionId: string) => ClbClient): WeightRouter<ClbTraffic> {
  return {
    async setWeights(traffic, weights) {
      const plans = await Promise.all(
        traffic.loadBalancers.map(async (lb) => {
          const refs = services(traffic, lb);
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
            resource: clbResource(lb.id),
            object: `${refs[side].namespace}/${refs[side].service}`,
            side,
            weight: Number(written.after.weight),
            changed: written.changed,
          });
        }
      }
      return writes;
    },

    async observe(traffic, desired) {
      const pods = await Promise.all([readyPods(traffic.source), readyPods(traffic.target)]);
      const results: Observation[] = [];
      for (const lb of traffic.loadBalancers) {
        const refs = services(traffic, lb);
        const [source, target] = await Promise.all([
          readGatewaySide(refs.source, pods[0]),
          readGatewaySide(refs.target, pods[1]),
        ]);
        const weights = await readEffectiveWeights(clbClient(lb.region), {
          loadBalancerId: lb.id,
          vServerGroupIds: lb.vServerGroups.map((group) => group.id),
          desired,
          sides: (groups) => ({ source: gatewayBackends(source, groups), target: gatewayBackends(target, groups) }),
        });
        results.push(observation(weights));
      }
      return results;
    },

    /** The CCM reports a Service it cannot reconcile only as Warning Events on it. */
    async complaints(traffic, since) {
      const lines: string[] = [];
      for (const lb of traffic.loadBalancers) {
        for (const ref of Object.values(services(traffic, lb))) {
          for (const event of await readCcmEvents(ref, since))
            lines.push(`the CCM reported: ${ref.namespace}/${ref.service}: ${event.reason}: ${event.message}`);
        }
      }
      return [...new Set(lines)];
    },
  };
}
