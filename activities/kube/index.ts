// The Kubernetes activities: CLB annotations of the gateway Services, gateway pods and ports, the ASM
// IstioGateway, the Gateway/VirtualService/DestinationRule copy, and the CCM's Warning events.
export {
  type ClbAnnotationKey,
  type ClbAnnotationsWrite,
  type ClbAnnotationValues,
  patchClbAnnotations,
  readClbAnnotations,
  writeWeightAnnotation,
} from './annotations.js';
export { ASM_CONTEXT_ENV, asmContext, kubeConfig } from './config.js';
export {
  type CopiedObject,
  type CopyGatewaysRequest,
  type CopyGatewaysResult,
  copyGateways,
  type SkippedGateway,
} from './copy-gateways.js';
export type { Change } from './diff.js';
export type { KubeErrorDetails, KubeErrorType } from './errors.js';
export { type CcmEvent, readCcmEvents } from './events.js';
export { ensureIstioGateway, type IstioGatewayRequest, type IstioGatewayResult } from './istio-gateway.js';
export { type GatewayPod, type GatewayPodsRef, listGatewayPods } from './pods.js';
export { compareServicePorts, type PortComparison, type PortDifference, type PortSpec } from './ports.js';
export { type ServiceRef, serviceRef } from './service.js';
