// probeRoutes: a gateway's pods, found by its selector, probed on every route; with `compareWith`,
// the other gateway's pods set the expected status class.
import type { GatewayRef } from '../src/plan/plan.js';
import type { ProbeReport, ProbeRequest } from './contracts.js';
import { listGatewayPods } from './kube/pods.js';
import { probePods } from './probe/probe-pods.js';
import type { ProbeTarget } from './probe/types.js';

export async function gatewayPods(gateway: GatewayRef): Promise<ProbeTarget> {
  const pods = await listGatewayPods({
    namespace: gateway.namespace,
    selector: gateway.selector,
    context: gateway.kubeContext,
  });
  return {
    gateway: `${gateway.namespace}/${gateway.service}`,
    pods: pods.filter((pod) => pod.ready && pod.ip).map((pod) => ({ name: pod.name, ip: pod.ip as string })),
  };
}

export async function probeRoutes(request: ProbeRequest): Promise<ProbeReport> {
  const [target, compareWith] = await Promise.all([
    gatewayPods(request.gateway),
    request.compareWith ? gatewayPods(request.compareWith) : undefined,
  ]);
  const report = await probePods({ target, compareWith, routes: request.routes });
  return { ok: report.ok, results: report.results, message: report.message };
}
