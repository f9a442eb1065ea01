// The Deployments the lab's ASM control plane makes of an IstioGateway: the main one at the gateway's
// version, the canary (while annotated) at the control plane's, their pods owned by them, and the
// status a controller would report.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  deploymentPod,
  deploymentStatus,
  gatewayDeployment,
  gatewayDeploymentPlans,
} from '../../src/lab/asm/gateway-deployment.js';
import type { IstioGateway } from '../../src/lab/asm/gateway-workload.js';

const gateway: IstioGateway = {
  metadata: { name: 'ingressgateway-asm', namespace: 'istio-system' },
  spec: { replicaCount: 3, rollingMaxSurge: 1, ports: [{ name: 'http2', port: 80, targetPort: 8080 }] },
};
const canaryGateway: IstioGateway = {
  ...gateway,
  metadata: { ...gateway.metadata, annotations: { 'asm.alibabacloud.com/enable-canary-deployment': 'true' } },
};

describe('gateway Deployments', () => {
  it('plans the canary only while the IstioGateway carries the annotation, at the control plane version', () => {
    expect(gatewayDeploymentPlans(gateway, '1.20.6.29', '1.22.6.29')).toEqual({
      main: { workload: { deployment: 'istio-ingressgateway-asm', version: '1.20.6.29', canary: false }, replicas: 3 },
    });
    expect(gatewayDeploymentPlans(canaryGateway, '1.20.6.29', '1.22.6.29').canary).toEqual({
      workload: { deployment: 'istio-ingressgateway-asm-canary', version: '1.22.6.29', canary: true },
      replicas: 1,
    });
  });

  it('makes the main Deployment with the gateway selector, its rolling limits and the version image', () => {
    const { main } = gatewayDeploymentPlans(gateway, '1.20.6.29', '1.22.6.29');
    const deployment = gatewayDeployment(gateway, main);
    expect(deployment.metadata?.name).toBe('istio-ingressgateway-asm');
    expect(deployment.spec?.selector.matchLabels).toEqual({
      app: 'istio-ingressgateway-asm',
      istio: 'ingressgateway-asm',
    });
    expect(deployment.spec?.strategy?.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: '25%' });
    expect(deployment.spec?.template.metadata?.labels).toMatchObject({
      app: 'istio-ingressgateway-asm',
      istio: 'ingressgateway-asm',
      'service.istio.io/canonical-revision': '1.20.6.29',
    });
    const [proxy] = deployment.spec?.template.spec?.containers ?? [];
    expect(proxy?.image).toBe('registry-cn-hangzhou.ack.aliyuncs.com/acs/proxyv2:1.20.6.29');
    expect(proxy?.readinessProbe?.httpGet).toEqual({ path: '/healthz/ready', port: 15020 });
  });

  it('labels the canary Deployment, its selector and its pods asm.alibabacloud.com/canary, pods owned by it', () => {
    const { canary } = gatewayDeploymentPlans(canaryGateway, '1.20.6.29', '1.22.6.29');
    if (!canary) throw new Error('no canary plan');
    const deployment = gatewayDeployment(canaryGateway, canary);
    const canaryLabels = {
      app: 'istio-ingressgateway-asm',
      istio: 'ingressgateway-asm',
      'asm.alibabacloud.com/canary': 'true',
    };
    expect(deployment.metadata?.labels).toMatchObject(canaryLabels);
    expect(deployment.spec?.selector.matchLabels).toEqual(canaryLabels);
    const pod = deploymentPod(canaryGateway, canary, {
      ...deployment,
      metadata: { ...deployment.metadata, uid: 'uid-1' },
    });
    expect(pod.metadata?.generateName).toBe('istio-ingressgateway-asm-canary-');
    expect(pod.metadata?.labels).toMatchObject({ ...canaryLabels, 'service.istio.io/canonical-revision': '1.22.6.29' });
    expect(pod.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'istio-ingressgateway-asm-canary',
        uid: 'uid-1',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  it("reports the status from the pods: terminating ones left out, updated ones at the plan's version", () => {
    const pod = (version: string, ready: boolean, terminating = false): V1Pod => ({
      metadata: {
        labels: { 'service.istio.io/canonical-revision': version },
        ...(terminating && { deletionTimestamp: new Date() }),
      },
      status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const { main } = gatewayDeploymentPlans(gateway, '1.22.6.29', '1.22.6.29');
    const deployment = { ...gatewayDeployment(gateway, main), metadata: { generation: 2 } };
    const pods = [
      pod('1.20.6.29', true),
      pod('1.20.6.29', true, true),
      pod('1.22.6.29', true),
      pod('1.22.6.29', false),
    ];
    expect(deploymentStatus(deployment, pods, '1.22.6.29')).toEqual({
      observedGeneration: 2,
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      unavailableReplicas: 1,
    });
  });
});
