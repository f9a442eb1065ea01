// The lab's starting point, as steps 1 to 3 of the ASM procedure leave it: the CLBs in the emulator;
// the Istio gateway's pods and, per CLB, a Service with the four CLB annotations at weight 100; the
// ASM gateway as an IstioGateway on the ASM control plane (its Service and pods follow) and, for the
// second CLB, a second Service at weight 0; the bookinfo routes on the cluster and their migrated
// copies on ASM. Or, when the ASM gateway already serves, the same with the weights at 0/100. Or raw,
// before the procedure: the Istio gateway behind the CLB the CCM created for its Service.
import { CoreV1Api, CustomObjectsApi, type KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { BACKEND_TYPE_ANNOTATION, type BackendMode, CLB_ANNOTATIONS, formatVgroupPort } from '../plan/index.js';
import { LAB_NODE } from './asm/gateway-workload.js';
import { bookinfoObjects, type KubeJson, putObjects } from './kube/bookinfo.js';
import {
  APP_NAMESPACE,
  CLBS,
  CONTAINER_PORT,
  GATEWAY_NAMESPACE,
  type LabClb,
  RAW_CLB,
  REGION,
  SERVICE_PORT,
  SOURCE_GATEWAY,
  TARGET_GATEWAY,
} from './names.js';
import type { SlbState } from './slb/state.js';

export interface SceneOptions {
  sourcePods: number;
  targetPods: number;
  /** ENI: pods are the CLB backends (the CCM's default here); Cluster / Local: nodes are. */
  backendMode: BackendMode;
  /** The nodes the Istio gateway's pods are spread over in Cluster and Local mode (the ASM gateway's run on LAB_NODE). */
  nodes: readonly string[];
  /** The ASM side lacks the bookinfo VirtualService: its gateway answers 404. */
  routeMissingOnTarget?: boolean;
  /** Every CLB already sends all traffic to the ASM gateway (weights 0/100), as after a migration. */
  targetServing?: boolean;
  /**
   * Before steps 1 to 3: the Istio gateway's Service without CLB annotations (the CCM creates its CLB,
   * RAW_CLB), no ASM gateway, no routing on ASM. ENI backends only.
   */
  raw?: boolean;
}

const PORTS = [{ name: 'http2', port: SERVICE_PORT, targetPort: CONTAINER_PORT, protocol: 'TCP' }];

function clbAnnotations(clb: LabClb, weight: string, mode: BackendMode): Record<string, string> {
  return {
    [CLB_ANNOTATIONS.id]: clb.id,
    [CLB_ANNOTATIONS.forceOverrideListeners]: 'false',
    [CLB_ANNOTATIONS.vgroupPort]: formatVgroupPort([{ id: clb.vServerGroupId, port: SERVICE_PORT }]),
    [CLB_ANNOTATIONS.weight]: weight,
    ...(mode !== 'eni' && { [BACKEND_TYPE_ANNOTATION]: 'ecs' }),
  };
}

/** The traffic policy that gives the mode its node backends. */
const trafficPolicy = (mode: BackendMode) =>
  mode === 'eni' ? {} : { externalTrafficPolicy: mode === 'local' ? 'Local' : 'Cluster' };

export function addLoadBalancers(slb: SlbState): void {
  for (const clb of CLBS) {
    slb.addLoadBalancer({ id: clb.id, regionId: REGION, name: `lab-${clb.id}` });
    slb.addVServerGroup(clb.id, { id: clb.vServerGroupId, listenerPorts: [clb.listenerPort] });
  }
}

/** The migrated bookinfo objects the ASM control plane holds (without the VirtualService when asked). */
export function asmRouting(routeMissingOnTarget = false): KubeJson[] {
  return bookinfoObjects(TARGET_GATEWAY).filter(
    (object) => !(routeMissingOnTarget && object.kind === 'VirtualService'),
  );
}

export async function buildScene(cluster: KubeConfig, asm: KubeConfig, options: SceneOptions): Promise<void> {
  const [sourceWeight, targetWeight] = options.targetServing ? ['0', '100'] : ['100', '0'];
  const mode = options.backendMode;
  const core = cluster.makeApiClient(CoreV1Api);
  const asmCore = asm.makeApiClient(CoreV1Api);
  for (const name of [GATEWAY_NAMESPACE, APP_NAMESPACE]) {
    await core.createNamespace({ body: { metadata: { name } } });
    await asmCore.createNamespace({ body: { metadata: { name } } });
  }
  for (let i = 0; i < options.sourcePods; i++) {
    await core.createNamespacedPod({
      namespace: GATEWAY_NAMESPACE,
      body: {
        metadata: {
          name: `istio-${SOURCE_GATEWAY}-${i}`,
          labels: { app: `istio-${SOURCE_GATEWAY}`, istio: SOURCE_GATEWAY },
        },
        spec: {
          nodeName: mode === 'eni' ? LAB_NODE : (options.nodes[i % options.nodes.length] ?? LAB_NODE),
          containers: [{ name: 'istio-proxy', image: 'istio/proxyv2', ports: [{ containerPort: CONTAINER_PORT }] }],
        },
      },
    });
  }
  const createService = (name: string, gateway: string, annotations: Record<string, string>) =>
    core.createNamespacedService({
      namespace: GATEWAY_NAMESPACE,
      body: {
        metadata: { name, annotations },
        spec: { type: 'LoadBalancer', selector: { istio: gateway }, ports: PORTS, ...trafficPolicy(mode) },
      },
    });
  if (options.raw) {
    await createService(RAW_CLB.sourceService, SOURCE_GATEWAY, {});
    await putObjects(cluster.makeApiClient(CustomObjectsApi), APP_NAMESPACE, bookinfoObjects());
    return;
  }
  for (const clb of CLBS)
    await createService(clb.sourceService, SOURCE_GATEWAY, clbAnnotations(clb, sourceWeight, mode));
  const [first, ...others] = CLBS;
  if (!first) return;
  // Step 2: the ASM gateway, whose Service carries the first CLB's annotations (weight 0 before a migration).
  await asm.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    group: 'istio.alibabacloud.com',
    version: 'v1beta1',
    namespace: GATEWAY_NAMESPACE,
    plural: 'istiogateways',
    body: {
      apiVersion: 'istio.alibabacloud.com/v1beta1',
      kind: 'IstioGateway',
      metadata: { name: TARGET_GATEWAY, namespace: GATEWAY_NAMESPACE },
      spec: {
        gatewayType: 'ingress',
        replicaCount: options.targetPods,
        ports: PORTS,
        serviceType: 'LoadBalancer',
        ...trafficPolicy(mode),
        serviceAnnotations: clbAnnotations(first, targetWeight, mode),
      },
    },
  });
  for (const clb of others)
    await createService(clb.targetService, TARGET_GATEWAY, clbAnnotations(clb, targetWeight, mode));
  // Step 3: the routes on the cluster, and their copies on ASM selecting the ASM gateway.
  await putObjects(cluster.makeApiClient(CustomObjectsApi), APP_NAMESPACE, bookinfoObjects());
  await putObjects(asm.makeApiClient(CustomObjectsApi), APP_NAMESPACE, asmRouting(options.routeMissingOnTarget));
}

/** Weight 100 on every source Service and 0 on every target Service, as before a migration. */
export async function restoreWeights(cluster: KubeConfig, clbs: readonly LabClb[] = CLBS): Promise<void> {
  const core = cluster.makeApiClient(CoreV1Api);
  for (const clb of clbs) {
    for (const [name, weight] of [
      [clb.sourceService, '100'],
      [clb.targetService, '0'],
    ] as const) {
      await core.patchNamespacedService(
        {
          name,
          namespace: GATEWAY_NAMESPACE,
          body: { metadata: { annotations: { [CLB_ANNOTATIONS.weight]: weight } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    }
  }
}
