// The CLB's data plane for one listener: a TCP proxy on loopback that sends each new connection to a
// backend of the listener's vServer group, as the listener's scheduler does with the backends the SLB
// emulator holds at that moment: wrr and wlc by smooth weighted round robin over their weights, rr in
// turn whatever the weights, sch / tch / qch by a hash of the client's address (and port). A connection stays on its backend for its whole life, so
// keep-alive clients keep their gateway pod after a weight change, as behind a real CLB.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import type { ListenerScheduler, SlbState } from '../slb/state.js';
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
function targets(
  slb: SlbState,
  loadBalancerId: string,
  listenerPort: number,
): { scheduler: ListenerScheduler; usable: Map<string, Target> } {
  const listener = slb.loadBalancers
    .get(loadBalancerId)
    ?.listeners.find((candidate) => candidate.port === listenerPort && candidate.protocol !== 'udp');
  const group = listener?.vServerGroupId === undefined ? undefined : slb.vServerGroups.get(listener.vServerGroupId);
  const usable = new Map<string, Target>();
  for (const backend of group?.backends ?? []) {
    // A backend reached at its IP: a pod's (ENI/ECI) or a node's (ECS), where the lab's servers listen.
    if (backend.weight <= 0 || backend.serverIp === undefined || slb.healthOf(backend) === 'abnormal') continue;
    usable.set(`${backend.serverIp}:${backend.port}`, {
      host: backend.serverIp,
      port: backend.port,
      weight: backend.weight,
    });
  }
  return { scheduler: listener?.scheduler ?? 'wrr', usable };
}

/** The backend a hashing scheduler gives this client: the same one while the backends stay the same. */
function hashPick(keys: string[], client: string): string | undefined {
  if (keys.length === 0) return undefined;
  const digest = createHash('sha256').update(client).digest();
  return [...keys].sort()[digest.readUInt32BE(0) % keys.length];
}

/** The backend for a new connection from `client` (`ip` and `port`). */
function choose(
  balancer: SmoothWeightedRoundRobin,
  scheduler: ListenerScheduler,
  usable: Map<string, Target>,
  client: { ip: string; port: number },
): string | undefined {
  if (scheduler === 'sch') return hashPick([...usable.keys()], client.ip);
  if (scheduler === 'tch' || scheduler === 'qch') return hashPick([...usable.keys()], `${client.ip}:${client.port}`);
  const weight = (target: Target) => (scheduler === 'rr' ? 1 : target.weight);
  return balancer.pick(new Map([...usable].map(([id, target]) => [id, weight(target)])));
}

export async function startClbProxy(options: ClbProxyOptions): Promise<ClbProxy> {
  const { slb, loadBalancerId, listenerPort } = options;
  const balancer = new SmoothWeightedRoundRobin();
  const stats: ClbProxyStats = { connectionsByBackend: new Map(), refused: 0, open: 0 };
  const sockets = new Set<Socket>();

  // Half-open allowed on both sides: each direction ends on its own, as TCP through a CLB does.
  const server = createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
    const { scheduler, usable } = targets(slb, loadBalancerId, listenerPort);
    const key = choose(balancer, scheduler, usable, {
      ip: client.remoteAddress ?? '',
      port: client.remotePort ?? 0,
    });
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
