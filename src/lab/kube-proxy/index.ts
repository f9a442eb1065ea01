// The lab's kube-proxy: every node opens each Service's NodePorts on its own loopback address and
// forwards a connection to a ready pod of the Service, in turn: any of them for
// `externalTrafficPolicy: Cluster`, only the node's own for `Local` (none there: the connection is
// reset, as a real node drops it). This is where the CLB's node (ECS) backends send their traffic.
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { CoreV1Api, KubeConfig, type V1Pod, type V1Service, type V1ServicePort } from '@kubernetes/client-node';
import { isReadyEndpoint, selectedPods, targetPortOf } from '../ccm/service-backends.js';
import { type Informer, startInformer } from '../kube/informer.js';
import { errorMessage, type LabLogger, silentLogger } from '../kube/logger.js';
import type { LabNode } from '../kubelet/nodes.js';

export interface KubeProxyOptions {
  /** An admin kubeconfig file. */
  kubeconfig: string;
  nodes: readonly LabNode[];
  logger?: LabLogger;
}

export interface KubeProxy {
  /** Connections forwarded, by `nodeIp:nodePort`. */
  forwarded: Map<string, number>;
  stop(): Promise<void>;
}

interface NodePortKey {
  node: LabNode;
  nodePort: number;
  /** `namespace/name` of the Service. */
  service: string;
}

const keyOf = (entry: NodePortKey) => `${entry.node.ip}:${entry.nodePort}`;

export async function startKubeProxy(options: KubeProxyOptions): Promise<KubeProxy> {
  const logger = options.logger ?? silentLogger;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const listeners = new Map<string, Server>();
  const sockets = new Set<Socket>();
  const forwarded = new Map<string, number>();
  const turns = new Map<string, number>();
  let services: Informer<V1Service> | undefined;
  let pods: Informer<V1Pod> | undefined;

  /** The Service and port behind a NodePort now (the Service may have changed since it was opened). */
  const lookup = (entry: NodePortKey): { service: V1Service; port: V1ServicePort } | undefined => {
    const [namespace, name] = entry.service.split('/');
    const service = services?.get(name ?? '', namespace);
    const port = service?.spec?.ports?.find((candidate) => candidate.nodePort === entry.nodePort);
    return service && port ? { service, port } : undefined;
  };

  const forward = (entry: NodePortKey, client: Socket) => {
    const found = lookup(entry);
    const local = found?.service.spec?.externalTrafficPolicy === 'Local';
    const ready = found
      ? selectedPods(found.service, pods?.list() ?? [])
          .filter(isReadyEndpoint)
          .filter((pod) => !local || pod.spec?.nodeName === entry.node.name)
      : [];
    const key = keyOf(entry);
    const turn = turns.get(key) ?? 0;
    turns.set(key, turn + 1);
    const pod = ready[turn % Math.max(1, ready.length)];
    const port = found && pod ? targetPortOf(found.port, pod) : undefined;
    if (!pod?.status?.podIP || port === undefined) {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    forwarded.set(key, (forwarded.get(key) ?? 0) + 1);
    const upstream = connect({ host: pod.status.podIP, port, noDelay: true, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    const fail = () => {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    upstream.on('error', fail);
    client.on('error', fail);
    client.on('close', () => {
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
  };

  /** Opens the NodePorts of every Service on every node, and closes those no Service has any more. */
  const sync = async () => {
    const wanted = new Map<string, NodePortKey>();
    for (const service of services?.list() ?? [])
      for (const port of service.spec?.ports ?? [])
        if (port.nodePort)
          for (const node of options.nodes) {
            const entry = {
              node,
              nodePort: port.nodePort,
              service: `${service.metadata?.namespace}/${service.metadata?.name}`,
            };
            wanted.set(keyOf(entry), entry);
          }
    for (const [key, server] of listeners)
      if (!wanted.has(key)) {
        listeners.delete(key);
        server.close();
      }
    for (const [key, entry] of wanted) {
      if (listeners.has(key)) continue;
      const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => forward(entry, client));
      listeners.set(key, server);
      server.listen(entry.nodePort, entry.node.ip);
      try {
        await once(server, 'listening');
      } catch (error) {
        listeners.delete(key);
        logger.warn(`kube-proxy: cannot open ${key} for ${entry.service}: ${errorMessage(error)}`);
      }
    }
  };
  // One sync at a time: two would both open a NodePort the first has not recorded yet.
  let syncing = Promise.resolve();
  const trigger = () => {
    syncing = syncing.then(sync).catch((error: unknown) => logger.warn(`kube-proxy: ${errorMessage(error)}`));
  };

  const stop = async () => {
    await Promise.all([services?.stop(), pods?.stop()]);
    await syncing;
    const closed = [...listeners.values()].map((server) => new Promise((resolve) => server.close(resolve)));
    listeners.clear();
    for (const socket of sockets) socket.destroy();
    await Promise.all(closed);
  };
  try {
    services = await startInformer<V1Service>({
      kubeConfig,
      path: '/api/v1/services',
      list: () => core.listServiceForAllNamespaces(),
      onChange: trigger,
      logger,
    });
    pods = await startInformer<V1Pod>({
      kubeConfig,
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces(),
      onChange: () => {},
      logger,
    });
    trigger();
    await syncing;
  } catch (error) {
    await stop();
    throw error;
  }
  return { forwarded, stop };
}
