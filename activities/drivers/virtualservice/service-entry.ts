// The ServiceEntry that gives the target cluster's ingress a mesh-internal name in the source cluster
// (MESH_EXTERNAL, STATIC, one endpoint: the target ingress address). gateshift creates it with its
// managed-by label, or accepts one that already says the same; its undo deletes only one it created.
import { CustomObjectsApi } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { MANAGED_BY, MANAGED_BY_LABEL, type VirtualServiceTraffic } from '../../../src/plan/index.js';
import { kubeConfig } from '../../kube/config.js';
import { kubeFailure } from '../../kube/errors.js';
import { getObject, type KubeObject, type ObjectRef } from '../../kube/objects.js';
import { kubeRequest, once } from '../../kube/request.js';
import { apiVersionOf, SERVICE_ENTRIES } from '../../kube/resources.js';
import { readService } from '../../kube/service.js';

export function serviceEntryRef(traffic: VirtualServiceTraffic): ObjectRef {
  return {
    resource: SERVICE_ENTRIES,
    namespace: traffic.virtualService.namespace,
    name: traffic.remote.serviceEntry,
    context: traffic.kubeContext,
  };
}

export const serviceEntryName = (traffic: VirtualServiceTraffic) =>
  `ServiceEntry ${traffic.virtualService.namespace}/${traffic.remote.serviceEntry}`;

/** The target ingress address: the input's, or the first load balancer address of the target Service. */
export async function remoteAddress(traffic: VirtualServiceTraffic): Promise<string> {
  const { address, service } = traffic.remote;
  if (address) return address;
  if (!service) throw new Error('unreachable: validation requires traffic.remote.address or traffic.remote.service');
  const found = await readService({
    namespace: service.namespace,
    service: service.name,
    context: service.kubeContext,
  });
  const ingress = found.status?.loadBalancer?.ingress?.[0]?.ip;
  if (!ingress)
    throw kubeFailure(
      'KubeNotFound',
      `Service ${service.namespace}/${service.name} (context ${service.kubeContext}) has no load balancer address yet (status.loadBalancer.ingress): check traffic.remote.service`,
    );
  return ingress;
}

function desiredSpec(traffic: VirtualServiceTraffic, address: string) {
  return {
    hosts: [traffic.remote.host],
    location: 'MESH_EXTERNAL',
    ports: [{ number: traffic.remote.port, name: 'http', protocol: 'HTTP' }],
    resolution: 'STATIC',
    endpoints: [{ address }],
  };
}

/** Why an existing ServiceEntry does not route the remote host to the target ingress, or undefined. */
export function serviceEntryMismatch(
  object: KubeObject,
  traffic: VirtualServiceTraffic,
  address: string,
): string | undefined {
  const spec = (object.spec ?? {}) as {
    hosts?: string[];
    location?: string;
    resolution?: string;
    ports?: { number?: number }[];
    endpoints?: { address?: string }[];
  };
  const wanted = desiredSpec(traffic, address);
  const problems: string[] = [];
  if (!spec.hosts?.includes(traffic.remote.host))
    problems.push(`hosts ${JSON.stringify(spec.hosts ?? [])} lack ${traffic.remote.host}`);
  if (spec.location !== wanted.location) problems.push(`location is ${spec.location ?? 'unset'}, not MESH_EXTERNAL`);
  if (spec.resolution !== wanted.resolution) problems.push(`resolution is ${spec.resolution ?? 'unset'}, not STATIC`);
  if (!spec.ports?.some((port) => port.number === traffic.remote.port)) problems.push(`no port ${traffic.remote.port}`);
  const addresses = (spec.endpoints ?? []).map((endpoint) => endpoint.address);
  if (addresses.length !== 1 || addresses[0] !== address)
    problems.push(`endpoints ${JSON.stringify(addresses)}, not the target ingress [${address}]`);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

const isOurs = (object: KubeObject) => object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;

const api = (ref: ObjectRef) => kubeConfig(ref.context).makeApiClient(CustomObjectsApi);
const where = (ref: ObjectRef) => ({
  group: ref.resource.group,
  version: ref.resource.version,
  plural: ref.resource.plural,
  namespace: ref.namespace,
});

/** Creates the ServiceEntry, or accepts one that routes the host to the target ingress already. */
export async function ensureServiceEntry(traffic: VirtualServiceTraffic): Promise<string[]> {
  const ref = serviceEntryRef(traffic);
  const address = await remoteAddress(traffic);
  const existing = await getObject(ref);
  if (existing) {
    const mismatch = serviceEntryMismatch(existing, traffic, address);
    if (mismatch)
      throw kubeFailure(
        'KubeInvalidRequest',
        `${serviceEntryName(traffic)} exists and differs: ${mismatch}; fix or remove it, or name another with traffic.remote.serviceEntry`,
      );
    return [];
  }
  const body = {
    apiVersion: apiVersionOf(SERVICE_ENTRIES),
    kind: SERVICE_ENTRIES.kind,
    metadata: { name: ref.name, namespace: ref.namespace, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } },
    spec: desiredSpec(traffic, address),
  };
  try {
    await once({ verb: 'create', ...ref }, (options) =>
      api(ref).createNamespacedCustomObject({ ...where(ref), body }, options),
    );
  } catch (error) {
    // 409: created meanwhile (by an earlier attempt of this very action): the read-back below decides.
    if (!(error instanceof ApplicationFailure && error.type === 'KubeConflict')) throw error;
  }
  const stored = await getObject(ref);
  const problem = stored ? serviceEntryMismatch(stored, traffic, address) : 'not found after its creation';
  if (problem) throw kubeFailure('KubeWriteNotConfirmed', `${serviceEntryName(traffic)}: ${problem}`);
  return [`${serviceEntryName(traffic)} created: ${traffic.remote.host}:${traffic.remote.port} → ${address}`];
}

/** Deletes the ServiceEntry if gateshift created it (its label says so); another's stays. */
export async function removeServiceEntry(traffic: VirtualServiceTraffic): Promise<string[]> {
  const ref = serviceEntryRef(traffic);
  const existing = await getObject(ref);
  if (!existing || !isOurs(existing)) return [];
  try {
    await kubeRequest({ verb: 'delete', ...ref }, (options) =>
      api(ref).deleteNamespacedCustomObject({ ...where(ref), name: ref.name }, options),
    );
  } catch (error) {
    if (!(error instanceof ApplicationFailure && error.type === 'KubeNotFound')) throw error;
  }
  return [`${serviceEntryName(traffic)} deleted`];
}
