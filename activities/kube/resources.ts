// The Kubernetes resources the activities touch: where they live in the API and what RBAC calls them.

export interface KubeResource {
  /** '' for the core group. */
  group: string;
  version: string;
  /** The RBAC resource and URL segment. */
  plural: string;
  kind: string;
}

/** Every write is a server-side apply or a patch under this manager, so `managedFields` name gateshift. */
export const FIELD_MANAGER = 'gateshift';

export const SERVICES: KubeResource = { group: '', version: 'v1', plural: 'services', kind: 'Service' };
export const PODS: KubeResource = { group: '', version: 'v1', plural: 'pods', kind: 'Pod' };
export const EVENTS: KubeResource = { group: '', version: 'v1', plural: 'events', kind: 'Event' };

// v1beta1: served by every Istio and ASM release still in support (v1 only since Istio 1.22).
const ISTIO_NETWORKING = { group: 'networking.istio.io', version: 'v1beta1' };
export const GATEWAYS: KubeResource = { ...ISTIO_NETWORKING, plural: 'gateways', kind: 'Gateway' };
export const VIRTUAL_SERVICES: KubeResource = {
  ...ISTIO_NETWORKING,
  plural: 'virtualservices',
  kind: 'VirtualService',
};
export const SERVICE_ENTRIES: KubeResource = { ...ISTIO_NETWORKING, plural: 'serviceentries', kind: 'ServiceEntry' };
export const DESTINATION_RULES: KubeResource = {
  ...ISTIO_NETWORKING,
  plural: 'destinationrules',
  kind: 'DestinationRule',
};

export const ISTIO_GATEWAYS: KubeResource = {
  group: 'istio.alibabacloud.com',
  version: 'v1beta1',
  plural: 'istiogateways',
  kind: 'IstioGateway',
};

export function apiVersionOf(resource: KubeResource): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

export const DEPLOYMENTS: KubeResource = { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' };
