// A small lab data plane for tests: gateway pods of the Istio gateway and of the ASM gateway serving the
// bookinfo routes, as ENI backends of one vServer group behind one CLB listener, and the proxy of
// that listener.
import { type GatewayPod, RouteTable, startGatewayPod } from '../../src/lab/gateway/index.js';
import { type ClbProxy, startClbProxy } from '../../src/lab/proxy/index.js';
import { type Backend, SlbState } from '../../src/lab/slb/state.js';
import { freePort } from '../../src/ports.js';
import { ASM, bookinfoForBoth, ISTIO } from './lab-bookinfo.js';

const LOAD_BALANCER = 'lb-lab0000000000000001';
const GROUP = 'rsp-lab00000001';
const LISTENER_PORT = 80;

export interface ClbScene {
  slb: SlbState;
  pods: GatewayPod[];
  backends: Backend[];
  proxy: ClbProxy;
  /** The URL of `path` through the CLB listener. */
  url(path: string): string;
  /** One weight per pod, in order, as the CCM would write them. */
  setWeights(...weights: number[]): void;
  stop(): Promise<void>;
}

/** One pod per IP: the first of the Istio gateway, the others of the ASM gateway; every weight 0. */
export async function startClbScene(ips: string[]): Promise<ClbScene> {
  const { gateways, virtualServices } = bookinfoForBoth(ASM.name);
  const routing = new RouteTable();
  routing.setGateways(gateways);
  routing.setVirtualServices(virtualServices);
  const pods: GatewayPod[] = [];
  const backends: Backend[] = [];
  const slb = new SlbState();
  let proxy: ClbProxy | undefined;
  const stop = async () => {
    await proxy?.stop();
    await Promise.all(pods.map((pod) => pod.stop()));
  };
  try {
    for (const [index, ip] of ips.entries()) {
      const port = await freePort(ip);
      const identity = index === 0 ? ISTIO : ASM;
      pods.push(
        await startGatewayPod({
          ip,
          ports: [port],
          podName: `${identity.workload}-${index}`,
          gateway: identity,
          routing,
          metricsPort: await freePort(ip),
        }),
      );
      backends.push({ serverId: `eni-lab${index}`, serverIp: ip, port, weight: 0, type: 'eni' });
    }
    slb.addLoadBalancer({ id: LOAD_BALANCER });
    slb.addVServerGroup(LOAD_BALANCER, { id: GROUP, backends, listenerPorts: [LISTENER_PORT] });
    proxy = await startClbProxy({ slb, loadBalancerId: LOAD_BALANCER, listenerPort: LISTENER_PORT });
  } catch (error) {
    await stop();
    throw error;
  }
  const { port } = proxy;
  return {
    slb,
    pods,
    backends,
    proxy,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    setWeights: (...weights) =>
      slb.upsertBackends(
        GROUP,
        backends.map((backend, index) => ({ ...backend, weight: weights[index] ?? 0 })),
      ),
    stop,
  };
}
