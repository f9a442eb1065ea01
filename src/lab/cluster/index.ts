// A real Kubernetes API server for tests: etcd and kube-apiserver on loopback with RBAC on, the
// shipped deploy/rbac.yaml and the Istio/ASM CRDs applied, and kubeconfigs for an admin and for the
// worker's own ServiceAccount. No kubelet or controllers: see markPodRunning.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { findEtcd, findKubeApiserver } from '../../../scripts/tools/kube.js';
import { freePort } from '../../ports.js';
import { applyManifests, waitForCrds } from './apply.js';
import { type ClusterPki, createPki } from './certs.js';
import { writeKubeconfig } from './kubeconfig.js';
import { type ServerProcess, startServer } from './process.js';

export { markPodRunning } from './pods.js';

export interface TestCluster {
  /** Kubeconfig path for CN=admin, O=system:masters. */
  adminKubeconfig: string;
  /** Kubeconfig path for the ServiceAccount gateshift/gateshift-worker, bound by deploy/rbac.yaml. */
  workerKubeconfig: string;
  /** The apiserver's URL, https://127.0.0.1:<port>. */
  server: string;
  /** Stops both servers and deletes every file of the cluster. */
  stop(): Promise<void>;
  /** An API server outage: the process is frozen until resumed; connections hang rather than fail. */
  pauseApiserver(): void;
  resumeApiserver(): void;
}

const WORKER_NAMESPACE = 'gateshift';
const WORKER_SERVICE_ACCOUNT = 'gateshift-worker';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 120_000;
const RBAC_FILE = fileURLToPath(new URL('../../../deploy/rbac.yaml', import.meta.url));
const CRD_FILES = ['istio-networking.yaml', 'asm-istiogateway.yaml'].map((name) =>
  fileURLToPath(new URL(`./crds/${name}`, import.meta.url)),
);

export async function startTestCluster(): Promise<TestCluster> {
  const apiserverBinary = findKubeApiserver();
  const etcdBinary = findEtcd();
  if (!apiserverBinary || !etcdBinary) {
    throw new Error('kube-apiserver or etcd is not installed: run `npm run setup -- kube-apiserver etcd`');
  }
  const dir = mkdtempSync(join(tmpdir(), 'gateshift-cluster-'));
  const servers: ServerProcess[] = [];
  const stop = async () => {
    // The apiserver first: it would otherwise spend its shutdown retrying a dead etcd.
    for (const server of [...servers].reverse()) await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const pki = createPki(dir);
    const etcdUrl = `http://${HOST}:${await freePort(HOST)}`;
    const peerUrl = `http://${HOST}:${await freePort(HOST)}`;
    const apiPort = await freePort(HOST);
    const server = `https://${HOST}:${apiPort}`;
    servers.push(
      startServer('etcd', etcdBinary, etcdArgs(join(dir, 'etcd'), etcdUrl, peerUrl), join(dir, 'etcd.log')),
      startServer(
        'kube-apiserver',
        apiserverBinary,
        apiserverArgs(dir, pki, etcdUrl, apiPort),
        join(dir, 'apiserver.log'),
      ),
    );
    // Whichever comes first: ready, or a server died (its log tail is the error).
    const polling = new AbortController();
    try {
      await Promise.race([waitReady(server, pki, polling.signal), ...servers.map((s) => s.exited)]);
    } finally {
      polling.abort();
    }

    const adminKubeconfig = writeKubeconfig(join(dir, 'admin.kubeconfig'), server, pki.caCert, 'admin', {
      certFile: pki.admin.cert,
      keyFile: pki.admin.key,
    });
    const admin = new KubeConfig();
    admin.loadFromFile(adminKubeconfig);
    await applyManifests(admin, [RBAC_FILE]);
    const crds = await applyManifests(admin, CRD_FILES);
    await waitForCrds(admin, crds as V1CustomResourceDefinition[]);

    const token = await serviceAccountToken(admin);
    const workerKubeconfig = writeKubeconfig(join(dir, 'worker.kubeconfig'), server, pki.caCert, 'worker', { token });
    const apiserver = servers[1] as ServerProcess;
    return {
      adminKubeconfig,
      workerKubeconfig,
      server,
      stop,
      pauseApiserver: () => apiserver.pause(),
      resumeApiserver: () => apiserver.resume(),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function etcdArgs(dataDir: string, clientUrl: string, peerUrl: string): string[] {
  return [
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${clientUrl}`,
    `--advertise-client-urls=${clientUrl}`,
    `--listen-peer-urls=${peerUrl}`,
    `--initial-advertise-peer-urls=${peerUrl}`,
    `--initial-cluster=default=${peerUrl}`,
    // Durability is worthless for a throwaway cluster; fsync would dominate its latency.
    '--unsafe-no-fsync',
  ];
}

// The flags controller-runtime's envtest uses.
function apiserverArgs(dir: string, pki: ClusterPki, etcdUrl: string, port: number): string[] {
  return [
    `--etcd-servers=${etcdUrl}`,
    `--bind-address=${HOST}`,
    `--advertise-address=${HOST}`,
    `--secure-port=${port}`,
    `--cert-dir=${dir}`,
    `--tls-cert-file=${pki.serving.cert}`,
    `--tls-private-key-file=${pki.serving.key}`,
    `--client-ca-file=${pki.caCert}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=https://${HOST}:${port}/`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    '--allow-privileged=true',
    // It would wait for a default ServiceAccount that no controller creates.
    '--disable-admission-plugins=ServiceAccount',
  ];
}

async function waitReady(server: string, pki: ClusterPki, signal: AbortSignal): Promise<void> {
  const tls = { ca: readFileSync(pki.caCert), cert: readFileSync(pki.admin.cert), key: readFileSync(pki.admin.key) };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = 'no answer';
  while (Date.now() < deadline && !signal.aborted) {
    last = await new Promise<string>((resolve) => {
      const req = request(`${server}/readyz`, { ...tls, timeout: 2_000 }, (res) => {
        res.resume();
        resolve(String(res.statusCode));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (error) => resolve(error.message));
      req.end();
    });
    if (last === '200') return;
    await sleep(250);
  }
  throw new Error(`kube-apiserver not ready within ${READY_TIMEOUT_MS / 1000} s (last: ${last})`);
}

/** A token for the worker's ServiceAccount, issued by the apiserver itself (TokenRequest). */
async function serviceAccountToken(admin: KubeConfig): Promise<string> {
  const core = admin.makeApiClient(CoreV1Api);
  const request = await core.createNamespacedServiceAccountToken({
    name: WORKER_SERVICE_ACCOUNT,
    namespace: WORKER_NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 24 * 3600 } },
  });
  const token = request.status?.token;
  if (!token) throw new Error('the apiserver issued no token for the worker ServiceAccount');
  return token;
}

/**
 * Two clusters started side by side (a kube-apiserver and etcd each). Each one's stop joins `stops` as
 * soon as it runs, so that when one fails to start the other is stopped with the rest.
 */
export async function startClusterPair(stops: (() => Promise<unknown>)[]): Promise<[TestCluster, TestCluster]> {
  const started = await Promise.allSettled([startTestCluster(), startTestCluster()]);
  for (const result of started) if (result.status === 'fulfilled') stops.push(result.value.stop);
  return started.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  }) as [TestCluster, TestCluster];
}
