// The lab's nodes as their kubelets register them: a Node per simulated ECS instance, with the
// instance in spec.providerID (`<region>.<instanceId>`, which the CCM turns into the backend's
// ServerId) and its own loopback address as InternalIP, where its NodePorts listen.
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import { statusOf } from '../kube/logger.js';

export interface LabNode {
  name: string;
  /** A loopback address of its own, e.g. 127.0.20.1. */
  ip: string;
}

/** The ECS instance id the lab gives a node. */
const instanceIdOf = (nodeName: string) => `i-${nodeName}`;

export function nodeObject(node: LabNode, region: string): V1Node {
  return {
    metadata: { name: node.name, labels: { 'kubernetes.io/hostname': node.name } },
    spec: { providerID: `${region}.${instanceIdOf(node.name)}` },
  };
}

/** Creates the Nodes (an existing one is left as it is) and reports them Ready at their addresses. */
export async function registerNodes(core: CoreV1Api, nodes: readonly LabNode[], region: string): Promise<void> {
  for (const node of nodes) {
    try {
      await core.createNode({ body: nodeObject(node, region) });
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    await core.replaceNodeStatus({
      name: node.name,
      body: {
        ...nodeObject(node, region),
        metadata: { ...(await core.readNode({ name: node.name })).metadata },
        status: {
          addresses: [
            { type: 'InternalIP', address: node.ip },
            { type: 'Hostname', address: node.name },
          ],
          conditions: [
            { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'lab kubelet is posting ready status' },
          ],
        },
      },
    });
  }
}

/** A Node's InternalIP, and the instance id of its providerID. */
export function nodeAddress(node: V1Node): { ip?: string; instanceId?: string } {
  const ip = node.status?.addresses?.find((address) => address.type === 'InternalIP')?.address;
  const providerId = node.spec?.providerID;
  // `<region>.<instanceId>`, as the CCM's helper.NodeFromProviderID parses it.
  const instanceId = providerId?.includes('.') ? providerId.slice(providerId.indexOf('.') + 1) : undefined;
  return { ip, instanceId };
}
