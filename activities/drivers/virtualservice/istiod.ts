// What a source gateway pod's Envoy applies, asked of istiod as `istioctl proxy-status` does. On a real
// Istio the pod itself cannot be asked: Envoy's admin (15000, `config_dump`) is bound to 127.0.0.1 in the
// pod, and pilot-agent's port on the pod IP (15020) serves health and the merged Prometheus stats, which
// count route updates but carry no weights. istiod's debug port (15014) has both halves of the proof:
// `/debug/syncz` gives per connected proxy the nonce of the latest push and of the latest ACK per xDS type
// (RDS: route_sent, route_acked), and `/debug/config_dump?proxyID=<pod>.<namespace>` the config istiod
// pushes to that proxy. The pod applies the weights when that config carries them and it has ACKed the
// latest route push (sent == acked: SYNCED). Every istiod replica is asked, since a proxy keeps its one
// stream to one replica. istiod answers a caller that is not on its loopback only with a token it accepts
// (a ServiceAccount token for the audience `istio-ca`; releases with namespace-based debug authorization
// also want the caller's namespace in DEBUG_ENDPOINT_AUTH_ALLOWED_NAMESPACES): the worker sends the token
// in GATESHIFT_ISTIOD_TOKEN_FILE.
// The kube-apiserver's service proxy is no way in: it drops the caller's Authorization header, so istiod
// sees an anonymous caller off loopback and answers 401; outside the cluster, `kubectl port-forward` to
// istiod's 15014 and `traffic.istiod.url` reach it as loopback.
// One window is left: istiod renders config_dump from its newest push context, which it adopts just before
// it sends the push; a pod read in between shows the new weights with the previous push ACKed.
import { readFile } from 'node:fs/promises';
import type { VirtualServiceTraffic } from '../../../src/plan/index.js';
import { listGatewayPods } from '../../kube/pods.js';
import type { ConfigDump } from './config-dump.js';

export const ISTIOD_TOKEN_FILE_ENV = 'GATESHIFT_ISTIOD_TOKEN_FILE';
const DEBUG_TIMEOUT_MS = 5_000;

/** One proxy's entry of istiod's `/debug/syncz` (the fields gateshift reads). */
export interface SyncStatus {
  /** `<pod>.<namespace>`. */
  proxy?: string;
  istio_version?: string;
  route_sent?: string;
  route_acked?: string;
}

/** Istio's proxy ID of a pod. */
export const proxyId = (pod: string, namespace: string) => `${pod}.${namespace}`;

/** Why a proxy has not applied istiod's latest routes; undefined when it has (SYNCED for RDS). */
export function routesNotAcked(status: SyncStatus): string | undefined {
  if (!status.route_sent) return 'istiod has sent it no routes yet';
  if (status.route_sent !== status.route_acked)
    return `has not ACKed istiod's latest routes (RDS nonce sent ${status.route_sent}, acked ${status.route_acked || 'none'})`;
  return undefined;
}

/** The istiod debug addresses to ask: `traffic.istiod.url`, or every ready istiod pod. */
export async function istiodAddresses(traffic: VirtualServiceTraffic): Promise<string[]> {
  const { istiod } = traffic;
  if (istiod.url) return [istiod.url.replace(/\/+$/, '')];
  const pods = await listGatewayPods({
    namespace: istiod.namespace,
    selector: istiod.selector,
    context: traffic.kubeContext,
  });
  const addresses = pods.filter((pod) => pod.ready && pod.ip).map((pod) => `http://${pod.ip}:${istiod.port}`);
  if (addresses.length === 0)
    throw new Error(
      `no ready istiod pod in ${istiod.namespace} matches ${JSON.stringify(istiod.selector)} (traffic.istiod)`,
    );
  return addresses;
}

async function getJson<T>(url: string): Promise<T> {
  const tokenFile = process.env[ISTIOD_TOKEN_FILE_ENV];
  // Re-read each time: the kubelet rotates a projected token.
  const token = tokenFile ? (await readFile(tokenFile, 'utf8')).trim() : undefined;
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(DEBUG_TIMEOUT_MS),
  });
  const path = new URL(url).pathname;
  if (!response.ok) throw new Error(`istiod ${new URL(url).host}${path} answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** What istiod knows of each proxy: its sync status and the istiod address it is connected to. */
export async function readSyncz(addresses: string[]): Promise<Map<string, { status: SyncStatus; istiod: string }>> {
  const found = new Map<string, { status: SyncStatus; istiod: string }>();
  const answers = await Promise.all(
    addresses.map(async (istiod) => ({ istiod, statuses: await getJson<SyncStatus[]>(`${istiod}/debug/syncz`) })),
  );
  for (const { istiod, statuses } of answers)
    for (const status of statuses) if (status.proxy) found.set(status.proxy, { status, istiod });
  return found;
}

/** The config istiod pushes to one proxy, in the shape of Envoy's admin `config_dump`. */
export function readProxyConfigDump(istiod: string, proxy: string): Promise<ConfigDump> {
  return getJson<ConfigDump>(`${istiod}/debug/config_dump?proxyID=${encodeURIComponent(proxy)}`);
}
