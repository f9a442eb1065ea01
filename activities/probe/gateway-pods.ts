// A gateway's ready pods, found by its selector: what the probes and the CCM's arithmetic work on.
import type { GatewayRef } from '../../src/plan/index.js';
import { type GatewayPod, listGatewayPods } from '../kube/pods.js';
import type { ProbeTarget } from './types.js';

/** The pods among `pods` that serve: ready, with an address. */
export function readyTarget(gateway: GatewayRef, pods: GatewayPod[]): ProbeTarget {
  return {
    gateway: `${gateway.namespace}/${gateway.service}`,
    pods: pods.filter((pod) => pod.ready && pod.ip).map((pod) => ({ name: pod.name, ip: pod.ip as string })),
  };
}

export async function gatewayPods(gateway: GatewayRef): Promise<ProbeTarget> {
  const pods = await listGatewayPods({
    namespace: gateway.namespace,
    selector: gateway.selector,
    context: gateway.kubeContext,
  });
  return readyTarget(gateway, pods);
}
