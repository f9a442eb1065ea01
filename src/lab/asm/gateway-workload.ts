// What ASM makes of an IstioGateway in the data-plane cluster: a Service `istio-<name>` (the name ASM
// gives the gateway named `ingressgateway`: `istio-ingressgateway`) selecting the pods by
// `app: istio-<name>` and `istio: <name>`, with the IstioGateway's ports and serviceAnnotations, and
// the gateway pods bound to the lab's node, running the gateway's version of the proxy.
import type { V1Pod, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { READINESS_PATH } from '../gateway/pod.js';

/** Marks the Services, Deployments and pods the lab's ASM control plane made, with the IstioGateway's name. */
export const OWNER_LABEL = 'lab.gateshift/istio-gateway';
/** The serviceAnnotations last written to the Service, as JSON (see serviceAnnotationPatch). */
export const APPLIED_ANNOTATIONS = 'lab.gateshift/applied-service-annotations';
export const LAB_NODE = 'lab-node';
/** Istio's label for a workload's version, which its metrics report as source_canonical_revision. */
export const REVISION_LABEL = 'service.istio.io/canonical-revision';

/** The label ASM puts on the canary Deployment and its pods. */
import { CANARY_LABEL } from '../../plan/drivers/asm-gateway-canary.js';

export { CANARY_LABEL };
/** The pilot-agent's status port: metrics on /stats/prometheus, readiness on /healthz/ready. */
export const STATUS_PORT = 15020;
/** The version of gateways on a control plane without a mesh to say otherwise. */
export const DEFAULT_VERSION = '1.22.6.29';

export const proxyImage = (version: string) => `registry-cn-hangzhou.ack.aliyuncs.com/acs/proxyv2:${version}`;

export interface IstioGatewayPort {
  name?: string;
  port: number;
  targetPort?: number | string;
  /** Istio's protocol names (HTTP, HTTPS, TCP, ...) or a Service's (TCP, UDP). */
  protocol?: string;
}

export interface IstioGateway {
  metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  spec?: {
    ports?: IstioGatewayPort[];
    replicaCount?: number;
    serviceAnnotations?: Record<string, string>;
    serviceType?: string;
    externalTrafficPolicy?: string;
    /** An absolute number or a percentage of replicaCount, as a Deployment's rolling update takes them. */
    rollingMaxSurge?: number | string;
    rollingMaxUnavailable?: number | string;
  };
}

/** The Service's name, which is also the gateway's Deployment's. */
export const gatewayServiceName = (gateway: string) => `istio-${gateway}`;

/** One of the gateway's Deployments: the main one or the canary, and the version its pods run. */
export interface GatewayWorkload {
  deployment: string;
  version: string;
  canary: boolean;
}

/** The labels of a workload's pods (the canary's also on its Deployment and selector). */
export function workloadLabels(gateway: string, workload: GatewayWorkload): Record<string, string> {
  return { ...gatewaySelector(gateway), ...(workload.canary && { [CANARY_LABEL]: 'true' }) };
}

/** The Service's selector and the pods' labels. */
export const gatewaySelector = (gateway: string) => ({ app: gatewayServiceName(gateway), istio: gateway });

function servicePort(port: IstioGatewayPort): V1ServicePort {
  const protocol = (port.protocol ?? 'TCP').toUpperCase();
  return {
    ...(port.name ? { name: port.name } : {}),
    port: port.port,
    targetPort: port.targetPort ?? port.port,
    // HTTP, HTTPS, GRPC, TLS… all ride on TCP.
    protocol: protocol === 'UDP' || protocol === 'SCTP' ? protocol : 'TCP',
  };
}

export function gatewayServiceSpec(gateway: IstioGateway): V1ServiceSpec {
  const spec = gateway.spec ?? {};
  return {
    type: spec.serviceType ?? 'LoadBalancer',
    selector: gatewaySelector(gateway.metadata.name),
    ports: (spec.ports ?? []).map(servicePort),
    ...(spec.externalTrafficPolicy ? { externalTrafficPolicy: spec.externalTrafficPolicy } : {}),
  };
}

const portKey = (port: V1ServicePort) => `${port.name ?? ''}/${port.port}/${port.targetPort}/${port.protocol ?? 'TCP'}`;

export function samePorts(current: readonly V1ServicePort[], desired: readonly V1ServicePort[]): boolean {
  return current.map(portKey).join(',') === desired.map(portKey).join(',');
}

export function gatewayPod(
  gateway: IstioGateway,
  workload: GatewayWorkload = {
    deployment: gatewayServiceName(gateway.metadata.name),
    version: DEFAULT_VERSION,
    canary: false,
  },
): V1Pod {
  const name = gateway.metadata.name;
  const ports = (gateway.spec?.ports ?? []).map((port) =>
    // A named targetPort needs a container port of that name.
    typeof port.targetPort === 'string'
      ? { name: port.targetPort, containerPort: port.port }
      : { containerPort: port.targetPort ?? port.port },
  );
  const unique = ports.filter((port, i) => ports.findIndex((p) => p.containerPort === port.containerPort) === i);
  return {
    metadata: {
      generateName: `${workload.deployment}-`,
      namespace: gateway.metadata.namespace,
      labels: { ...workloadLabels(name, workload), [OWNER_LABEL]: name, [REVISION_LABEL]: workload.version },
    },
    spec: {
      nodeName: LAB_NODE,
      containers: [
        {
          name: 'istio-proxy',
          image: proxyImage(workload.version),
          ports: unique,
          readinessProbe: { httpGet: { path: READINESS_PATH, port: STATUS_PORT }, periodSeconds: 2 },
        },
      ],
    },
  };
}

/** The value of APPLIED_ANNOTATIONS for these serviceAnnotations. */
export function appliedRecord(annotations: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(annotations).sort(([a], [b]) => a.localeCompare(b))));
}

/** A new Service's annotations: the serviceAnnotations and the record of them. */
export function initialAnnotations(annotations: Record<string, string>): Record<string, string> {
  return { ...annotations, [APPLIED_ANNOTATIONS]: appliedRecord(annotations) };
}

/**
 * The annotation changes that bring the Service in line with the IstioGateway's serviceAnnotations,
 * or undefined when these have not changed since they were last written. Only what changed in the
 * IstioGateway is written (keys it added or changed set, keys it dropped removed), as a three-way
 * merge: gateshift shifts traffic by patching the weight annotation on the Service itself, and
 * rewriting that from the IstioGateway (weight "0") on every pass would pull the traffic back. The
 * last written set is kept on the Service, so a restarted control plane remembers it.
 */
export function serviceAnnotationPatch(
  current: Record<string, string> | undefined,
  desired: Record<string, string>,
): Record<string, string | null> | undefined {
  const appliedText = current?.[APPLIED_ANNOTATIONS];
  const applied: Record<string, string> = appliedText ? JSON.parse(appliedText) : {};
  const text = appliedRecord(desired);
  if (appliedText === text) return undefined;
  const patch: Record<string, string | null> = { [APPLIED_ANNOTATIONS]: text };
  for (const [key, value] of Object.entries(desired)) if (applied[key] !== value || !appliedText) patch[key] = value;
  for (const key of Object.keys(applied)) if (!(key in desired)) patch[key] = null;
  return patch;
}
