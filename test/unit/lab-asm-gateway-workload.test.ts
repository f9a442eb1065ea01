// What the lab's ASM control plane makes of an IstioGateway, and how it keeps the Service's annotations.
import { describe, expect, it } from 'vitest';
import {
  APPLIED_ANNOTATIONS,
  gatewayPod,
  gatewayServiceSpec,
  type IstioGateway,
  initialAnnotations,
  serviceAnnotationPatch,
} from '../../src/lab/asm/gateway-workload.js';

const WEIGHT = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-weight';
const ID = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-id';

const gateway: IstioGateway = {
  metadata: { name: 'ingressgateway-asm', namespace: 'istio-system' },
  spec: {
    replicaCount: 2,
    ports: [
      { name: 'http-0', port: 80, targetPort: 8080, protocol: 'HTTP' },
      { name: 'https', port: 443, targetPort: 'https', protocol: 'HTTPS' },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  },
};

describe('gateway workload', () => {
  it('makes a LoadBalancer Service selecting the gateway pods, with Service protocols', () => {
    expect(gatewayServiceSpec(gateway)).toEqual({
      type: 'LoadBalancer',
      selector: { app: 'istio-ingressgateway-asm', istio: 'ingressgateway-asm' },
      ports: [
        { name: 'http-0', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' },
        { name: 'dns', port: 53, targetPort: 53, protocol: 'UDP' },
      ],
    });
  });

  it('makes pods bound to the lab node with a container port for every targetPort', () => {
    const pod = gatewayPod(gateway);
    expect(pod.metadata).toMatchObject({
      generateName: 'istio-ingressgateway-asm-',
      labels: { app: 'istio-ingressgateway-asm', istio: 'ingressgateway-asm' },
    });
    expect(pod.spec?.nodeName).toBe('lab-node');
    expect(pod.spec?.containers[0]?.ports).toEqual([
      { containerPort: 8080 },
      { name: 'https', containerPort: 443 },
      { containerPort: 53 },
    ]);
  });
});

describe('serviceAnnotationPatch', () => {
  const first = { [ID]: 'lb-1', [WEIGHT]: '0' };

  it('writes nothing while the serviceAnnotations are as last written, whatever the Service has now', () => {
    const service = { ...initialAnnotations(first), [WEIGHT]: '90' };
    expect(serviceAnnotationPatch(service, { [WEIGHT]: '0', [ID]: 'lb-1' })).toBeUndefined();
  });

  it('writes only the keys the IstioGateway changed, and removes those it dropped', () => {
    const service = { ...initialAnnotations(first), [WEIGHT]: '90', team: 'mesh' };
    const next = { [WEIGHT]: '0', team: 'edge' };
    expect(serviceAnnotationPatch(service, next)).toEqual({
      team: 'edge',
      [ID]: null,
      [APPLIED_ANNOTATIONS]: JSON.stringify({ [WEIGHT]: '0', team: 'edge' }),
    });
    expect(serviceAnnotationPatch(service, { ...first, [WEIGHT]: '100' })).toMatchObject({ [WEIGHT]: '100' });
  });

  it('writes every key on a Service that has no record of them', () => {
    expect(serviceAnnotationPatch({ [WEIGHT]: '90' }, first)).toEqual(initialAnnotations(first));
  });
});
