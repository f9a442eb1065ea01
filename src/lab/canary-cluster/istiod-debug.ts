// istiod's debug port (15014) for the lab's source cluster, the two endpoints `istioctl proxy-status`
// reads: `/debug/syncz`, per gateway pod the nonce of the last push and of the last push it ACKed (the
// same for every xDS type: the lab pushes them together), and `/debug/config_dump?proxyID=<pod>.<ns>`,
// the routes last pushed to that pod in Envoy's admin shape. Answers as istiod does to a caller on its
// loopback, without a token.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { MeshGateway } from './mesh-gateway.js';

export interface IstiodDebugOptions {
  ip: string;
  port: number;
  /** The namespace of the gateway pods: a proxy's ID is `<pod>.<namespace>`. */
  namespace: string;
  proxies: MeshGateway[];
  /** The port the gateway pods take traffic on: the name of their route config. */
  listenerPort: number;
  istioVersion: string;
}

const XDS_TYPES = ['cluster', 'listener', 'route', 'endpoint'];

export async function startIstiodDebug(options: IstiodDebugOptions): Promise<{ stop(): Promise<void> }> {
  const proxyId = (pod: MeshGateway) => `${pod.podName}.${options.namespace}`;
  const syncz = () =>
    options.proxies.map((pod) => {
      const { sent, acked } = pod.nonces();
      const nonces = XDS_TYPES.flatMap((type) => [
        [`${type}_sent`, sent],
        [`${type}_acked`, acked],
      ]);
      // Empty fields are left out, as istiod's JSON does (omitempty).
      return {
        cluster_id: 'Kubernetes',
        proxy: proxyId(pod),
        istio_version: options.istioVersion,
        ...Object.fromEntries(nonces.filter(([, nonce]) => nonce)),
      };
    });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://istiod');
    const json = (body: unknown) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.method !== 'GET') response.writeHead(405).end();
    else if (url.pathname === '/debug/syncz') json(syncz());
    else if (url.pathname === '/debug/config_dump') {
      const id = url.searchParams.get('proxyID');
      const pod = options.proxies.find((proxy) => proxyId(proxy) === id);
      if (!id) response.writeHead(400).end('You must provide a proxyID in the query string');
      else if (!pod) response.writeHead(404).end('Proxy not connected to this Pilot instance');
      else json(pod.pushed().configDump(options.listenerPort));
    } else response.writeHead(404).end();
  });
  server.listen(options.port, options.ip);
  await once(server, 'listening');
  return {
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
