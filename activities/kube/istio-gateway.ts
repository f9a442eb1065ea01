// Step 2 of the ASM procedure: the ASM ingress gateway (an IstioGateway on the ASM control plane)
// with the Istio gateway's ports and CLB annotations, at weight "0" so it takes no traffic yet.
import type { V1Service } from '@kubernetes/client-node';
import { CLB_ANNOTATIONS } from '../../src/plan/index.js';
import { asmContext } from './config.js';
import { type Change, diffValues, formatChange, projectOnto } from './diff.js';
import { kubeFailure } from './errors.js';
import { getObject, type KubeObject, serverSideApply } from './objects.js';
import { servicePorts } from './ports.js';
import { apiVersionOf, ISTIO_GATEWAYS } from './resources.js';
import { readService, type ServiceRef } from './service.js';

export interface IstioGatewayRequest {
  /** The self-managed Istio gateway's Service, whose ports and CLB annotations the ASM gateway copies. */
  source: ServiceRef;
  /** The IstioGateway's name: ASM names the gateway's Service and its pods' `istio` label after it. */
  name: string;
  namespace: string;
  /** The ASM control plane's kubeconfig context; default $GATESHIFT_ASM_KUBECONTEXT, else the current one. */
  asmContext?: string;
  /** The ACK clusters the gateway is deployed to (`spec.clusterIds`), when the ASM instance needs them. */
  clusterIds?: string[];
  /** `verify` reports the differences and writes nothing. */
  mode: 'apply' | 'verify';
}

export interface IstioGatewayResult {
  name: string;
  namespace: string;
  context?: string;
  mode: 'apply' | 'verify';
  /** apply: create/update/unchanged; verify: none. */
  action: 'create' | 'update' | 'unchanged' | 'none';
  /** The IstioGateway exists and has the desired ports and annotations (after an apply: it now has). */
  ok: boolean;
  /** From the IstioGateway as it was (apply) or is (verify) to the desired state; fields others set are ignored. */
  changes: Change[];
  /** The changes, one readable line each. */
  diff: string[];
}

function desiredGateway(request: IstioGatewayRequest, source: V1Service): KubeObject {
  const annotations = source.metadata?.annotations ?? {};
  const copied = [CLB_ANNOTATIONS.id, CLB_ANNOTATIONS.forceOverrideListeners, CLB_ANNOTATIONS.vgroupPort];
  const missing = copied.filter((key) => !annotations[key]);
  if (missing.length)
    throw kubeFailure(
      'ClbAnnotationsMissing',
      `Service ${request.source.namespace}/${request.source.service} lacks ${missing.join(', ')}: annotate it first (step 1 of the ASM procedure)`,
    );
  return {
    apiVersion: apiVersionOf(ISTIO_GATEWAYS),
    kind: ISTIO_GATEWAYS.kind,
    metadata: { name: request.name, namespace: request.namespace, labels: { 'asm-gateway-type': 'ingress' } },
    spec: {
      gatewayType: 'ingress',
      ...(request.clusterIds ? { clusterIds: request.clusterIds } : {}),
      serviceType: 'LoadBalancer',
      ports: servicePorts(source),
      serviceAnnotations: {
        ...Object.fromEntries(copied.map((key) => [key, annotations[key]])),
        [CLB_ANNOTATIONS.weight]: '0',
      },
    },
  };
}

/** Creates the ASM gateway or brings the fields gateshift sets back to the desired state; or only verifies them. */
export async function ensureIstioGateway(request: IstioGatewayRequest): Promise<IstioGatewayResult> {
  const context = asmContext(request.asmContext);
  const desired = desiredGateway(request, await readService(request.source));
  const ref = { resource: ISTIO_GATEWAYS, namespace: request.namespace, name: request.name, context };
  const differences = (current: KubeObject | undefined) => diffValues(projectOnto(current, desired), desired);
  const before = await getObject(ref);
  const changes = differences(before);
  const result = (action: IstioGatewayResult['action'], ok: boolean): IstioGatewayResult => ({
    name: request.name,
    namespace: request.namespace,
    context,
    mode: request.mode,
    action,
    ok,
    changes,
    diff: changes.map(formatChange),
  });
  if (request.mode === 'verify') return result('none', changes.length === 0);
  if (changes.length === 0) return result('unchanged', true);
  const after = await serverSideApply(desired, ISTIO_GATEWAYS, context, false);
  const left = differences(after);
  if (left.length)
    throw kubeFailure(
      'KubeWriteNotConfirmed',
      `IstioGateway ${request.namespace}/${request.name}: stored with differences: ${left.map(formatChange).join('; ')}`,
    );
  return result(before ? 'update' : 'create', true);
}
