// The names of the lab's world: one data-plane cluster whose Istio ingress gateway moves to an ASM
// ingress gateway, behind two CLBs (a public and an internal one), serving the bookinfo routes.
import { createdClbIds } from './ccm/created-clb.js';
export const GATEWAY_NAMESPACE = 'istio-system';
export const APP_NAMESPACE = 'bookinfo';
export const SOURCE_GATEWAY = 'ingressgateway';
export const TARGET_GATEWAY = 'ingressgateway-asm';
export const CONTAINER_PORT = 8080;
export const SERVICE_PORT = 80;
export const REGION = 'cn-hangzhou';
export const CLUSTER_ID = 'c-gateshift-lab';
export const ROUTE = { host: 'bookinfo.example.com', path: '/productpage' } as const;

export interface LabClb {
  id: string;
  vServerGroupId: string;
  listenerPort: number;
  sourceService: string;
  targetService: string;
}

/** The public CLB's Services are the gateways' own; the internal CLB has a second pair selecting the same pods. */
export const CLBS: LabClb[] = [
  {
    id: 'lb-labpublic01',
    vServerGroupId: 'rsp-labpublic80',
    listenerPort: SERVICE_PORT,
    sourceService: 'istio-ingressgateway',
    targetService: 'istio-ingressgateway-asm',
  },
  {
    id: 'lb-labinternal01',
    vServerGroupId: 'rsp-labinternal80',
    listenerPort: SERVICE_PORT,
    sourceService: 'istio-ingressgateway-internal',
    targetService: 'istio-ingressgateway-asm-internal',
  },
];

/**
 * The raw lab's one CLB: the one its CCM created for the Istio gateway's Service, with the ids the CCM
 * derives from it (its listener forwards to the CCM's group, `ccmVServerGroupId`). `vServerGroupId` is
 * the user's own group for that listener (the CCM refuses to reuse its own), which the lab creates empty
 * at its raw start, as a user would in the CLB console, and the input lists. The ASM gateway's Service
 * (`istio-<IstioGateway name>`) joins it once prepared.
 */
export const RAW_CLB: LabClb & { ccmVServerGroupId: string; userGroupName: string } = rawClb();

function rawClb() {
  const sourceService = 'istio-ingressgateway';
  const ids = createdClbIds(CLUSTER_ID, GATEWAY_NAMESPACE, sourceService, [SERVICE_PORT]);
  return {
    id: ids.id,
    vServerGroupId: 'rsp-labrawuser80',
    userGroupName: `${sourceService}-${SERVICE_PORT}`,
    ccmVServerGroupId: ids.groups[0]?.id ?? '',
    listenerPort: SERVICE_PORT,
    sourceService,
    targetService: 'istio-ingressgateway-asm',
  };
}

/** The lab's ASM instance, as the ASM OpenAPI names it. */
export const ASM_MESH_ID = 'c1ab0a5e1bd94d8c9d1f5d7f1a2b3c4d';
/** Where the `asm-serving` lab starts: the ASM gateway one release behind its control plane. */
export const ASM_VERSIONS = { gateway: '1.20.6.29', controlPlane: '1.22.6.29' } as const;
