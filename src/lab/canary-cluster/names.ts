// The names of the canary-cluster lab: a source cluster whose Istio ingress gateway splits the
// bookinfo route between its own productpage and the target cluster's ingress (named by a
// ServiceEntry host), and a target cluster serving the same route. Each cluster's backend stamps
// its cluster's name on every answer.
import { ISTIOD_DEFAULTS } from '../../plan/index.js';

export const CLUSTERS = { source: 'source', target: 'target' } as const;
export type ClusterName = (typeof CLUSTERS)[keyof typeof CLUSTERS];

export const INGRESS_NAMESPACE = 'istio-system';
export const APP_NAMESPACE = 'bookinfo';
export const GATEWAY_LABELS = { istio: 'ingressgateway' };
export const GATEWAY_WORKLOAD = 'istio-ingressgateway';
export const VIRTUAL_SERVICE = 'bookinfo';
/** The bookinfo sample's destination, as its VirtualService names it, and its port. */
export const LOCAL = { host: 'productpage', port: 9080 } as const;
/** The ServiceEntry host of the target ingress (the seed's), and the port the target ingress listens on. */
export const REMOTE = { host: 'v2.example.com', port: 80 } as const;
/** The target cluster's ingress Service, whose load balancer address the driver reads. */
export const TARGET_INGRESS_SERVICE = 'istio-ingressgateway';
export const ROUTE = { host: 'bookinfo.example.com', path: '/productpage' } as const;
/** Where the gateway pods take traffic, and their pilot-agent status port. */
export const GATEWAY_PORT = 80;
export const STATUS_PORT = 15020;
/** The source cluster's istiod: one pod where the driver looks by default, and its Istio version. */
export const ISTIOD = {
  pod: 'istiod-0',
  labels: ISTIOD_DEFAULTS.selector,
  port: ISTIOD_DEFAULTS.port,
  version: '1.22.6',
};
