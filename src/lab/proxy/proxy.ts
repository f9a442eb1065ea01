// The CLB's data plane for one listener: a TCP proxy on loopback that sends each new connection to a
// backend of the listener's vServer group, by smooth weighted round robin over the backend weights the
// SLB emulator holds at that moment. A connection stays on its backend for its whole life, so
// keep-alive clients keep their gateway pod after a weight change, as behind a real CLB.
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import type { SlbState } from '../slb/state.js';
import { SmoothWeightedRoundRobin } from './wrr.js';

export interface ClbProxyOptions {
  slb: SlbState;
  loadBalancerId: string;
  listenerPort: number;
  /** The port to listen on at 127.0.0.1; default any free one. */
  bindPort?: number;
}

export interface ClbProxyStats {
  /** Connections sent to a backend, by `serverIp:port`. */
  connectionsByBackend: Map<string, number>;
  /** Connections reset at once: no listener, no vServer group or no backend with weight. */
  refused: number;
  /** Client connections open now. */
  open: number;
}

export interface ClbProxy {
  port: number;
  stats: ClbProxyStats;
  /** Closes the listener and every connection through it. */
  stop(): Promise<void>;
}

interface Target {
  host: string;
  port: number;
  weight: number;
}

/** The backends that may take a new connection, by `serverIp:port`: weight above 0, not abnormal. */
function targets(slb: SlbState, loadBalancerId: string, listenerPort: number): Map<string, Target> {
  const listener = slb.loadBalancers
    .get(loadBalancerId)
    ?.listeners.find((candidate) => candidate.port === listenerPort && candidate.protocol !== 'udp');
  const group = listener?.vServerGroupId === undefined ? undefined : slb.vServerGroups.get(listener.vServerGroupId);
  const usable = new Map<string, Target>();
  for (const backend of group?.backends ?? []) {
    // Only pod (ENI/ECI) backends carry the IP the lab's gateway pods listen on.
    if (backend.weight <= 0 || backend.serverIp === undefined || slb.healthOf(backend) === 'abnormal') continue;
    usable.set(`${backend.serverIp}:${backend.port}`, {
      host: backend.serverIp,
      port: backend.port,
      weight: backend.weight,
    });
  }
  return usable;
}

export async function startClbProxy(options: ClbProxyOptions): Promise<ClbProxy> {
  const { slb, loadBalancerId, listenerPort } = options;
  const balancer = new SmoothWeightedRoundRobin();
  const stats: ClbProxyStats = { connectionsByBackend: new Map(), refused: 0, open: 0 };
  const sockets = new Set<Socket>();

  // Half-open allowed on both sides: each direction ends on its own, as TCP through a CLB does.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const usable = targets(slb, loadBalancerId, listenerPort);
    const key = balancer.pick(new Map([...usable].map(([id, target]) => [id, target.weight])));
    const target = key === undefined ? undefined : usable.get(key);
    if (key === undefined || target === undefined) {
      stats.refused++;
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    stats.connectionsByBackend.set(key, (stats.connectionsByBackend.get(key) ?? 0) + 1);
    stats.open++;
    const upstream = connect({ host: target.host, port: target.port, noDelay: true, allowHalfOpen: true });
    sockets.add(client).add(upstream);
    // Either side failing resets the other, as a CLB does when a backend refuses or drops a connection.
    const fail = () => {
      client.resetAndDestroy();
      upstream.resetAndDestroy();
    };
    upstream.on('error', fail);
    client.on('error', fail);
    client.on('close', () => {
      stats.open--;
      sockets.delete(client);
      upstream.destroy();
    });
    upstream.on('close', () => sockets.delete(upstream));
    client.pipe(upstream).pipe(client);
  });
  server.listen(options.bindPort ?? 0, '127.0.0.1');
  await once(server, 'listening');

  return {
    port: (server.address() as AddressInfo).port,
    stats,
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
