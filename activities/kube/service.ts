// A gateway Service, named the way the Kubernetes activities take it.
import { CoreV1Api, type V1Service } from '@kubernetes/client-node';
import type { GatewayRef } from '../../src/plan/index.js';
import { kubeConfig } from './config.js';
import { kubeRequest } from './request.js';
import { SERVICES } from './resources.js';

export interface ServiceRef {
  namespace: string;
  service: string;
  /** kubeconfig context; the current one when absent. */
  context?: string;
}

/** The ref of a gateway's Service; `service` overrides the gateway's own (PlannedLoadBalancer.sourceService). */
export function serviceRef(gateway: GatewayRef, service = gateway.service): ServiceRef {
  return { namespace: gateway.namespace, service, context: gateway.kubeContext };
}

export function coreApi(context?: string): CoreV1Api {
  return kubeConfig(context).makeApiClient(CoreV1Api);
}

export function readService(ref: ServiceRef): Promise<V1Service> {
  const call = {
    verb: 'get',
    resource: SERVICES,
    namespace: ref.namespace,
    name: ref.service,
    context: ref.context,
  } as const;
  return kubeRequest(call, (options) =>
    coreApi(ref.context).readNamespacedService({ namespace: ref.namespace, name: ref.service }, options),
  );
}
