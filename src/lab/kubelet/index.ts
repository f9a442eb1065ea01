// The lab's kubelet: every pod bound to a node (spec.nodeName set) is started at once, Running with
// its own loopback IP, reported through pods/status, and Ready at once, or, when asked to run
// readiness probes, while its container's HTTP readiness probe passes; a pod being deleted is removed
// after a short shutdown, as a kubelet confirms the deletion once its containers exited.
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Pod } from '@kubernetes/client-node';
import { type ChangeVerb, type Informer, startInformer } from '../kube/informer.js';
import { errorMessage, type LabLogger, silentLogger, statusOf } from '../kube/logger.js';
import { startReconcileLoop } from '../kube/reconcile-loop.js';
import { createIpPool, type IpAllocator, type IpPoolSpec } from './ip-pool.js';
import { type LabNode, registerNodes } from './nodes.js';
import { isReady, isStarted, readinessStatus, runningStatus } from './pod-status.js';
import { probe, readinessProbeUrl } from './readiness-probe.js';

export interface KubeletOptions {
  /** An admin kubeconfig file. */
  kubeconfig: string;
  /** Default: 127.0.1.1 to 127.0.1.254. */
  ipPool?: IpPoolSpec | IpAllocator;
  /** Only pods of these namespaces; default every namespace. */
  namespaces?: string[];
  /** From a pod's deletion to its removal (its containers' shutdown), at most its grace period; default 2 s. */
  terminationMs?: number;
  /**
   * Run the containers' `readinessProbe.httpGet` every probePeriodMs (default 200 ms); off by default,
   * for tests with no server behind the pods: a started pod is then Ready at once.
   */
  readinessProbes?: boolean;
  probePeriodMs?: number;
  /** The nodes whose kubelets this one plays, registered as Nodes at start (pods may name others too). */
  nodes?: { list: readonly LabNode[]; region: string };
  logger?: LabLogger;
}

export interface Kubelet {
  /** The IP of a pod this kubelet knows, once it has one. */
  ipOf(namespace: string, name: string): string | undefined;
  stop(): Promise<void>;
}

const DEFAULT_POOL: IpPoolSpec = { prefix: '127.0.1.' };

const isAllocator = (pool: IpPoolSpec | IpAllocator): pool is IpAllocator => 'allocate' in pool;

export async function startKubelet(options: KubeletOptions): Promise<Kubelet> {
  const logger = options.logger ?? silentLogger;
  const terminationMs = options.terminationMs ?? 2_000;
  const poolOption = options.ipPool ?? DEFAULT_POOL;
  const pool = isAllocator(poolOption) ? poolOption : createIpPool(poolOption);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  /** Pod uid → its IP. */
  const ips = new Map<string, string>();
  /** Pod uid → the timer that removes it. */
  const removals = new Map<string, NodeJS.Timeout>();
  let pods: Informer<V1Pod> | undefined;

  const ours = (pod: V1Pod) =>
    Boolean(pod.spec?.nodeName) && (!options.namespaces || options.namespaces.includes(pod.metadata?.namespace ?? ''));

  const remove = async (pod: V1Pod) => {
    const { name = '', namespace = '', uid } = pod.metadata ?? {};
    try {
      await core.deleteNamespacedPod({ name, namespace, body: { gracePeriodSeconds: 0, preconditions: { uid } } });
    } catch (error) {
      if (statusOf(error) === 404 || statusOf(error) === 409) return;
      logger.warn(`kubelet: remove ${namespace}/${name}: ${errorMessage(error)}`);
      // The next pass schedules it again.
      removals.delete(uid ?? '');
    }
  };

  const scheduleRemoval = (pod: V1Pod) => {
    const uid = pod.metadata?.uid ?? '';
    if (removals.has(uid)) return;
    const graceMs = (pod.metadata?.deletionGracePeriodSeconds ?? 30) * 1000;
    removals.set(
      uid,
      setTimeout(() => void remove(pod), Math.min(terminationMs, graceMs)),
    );
  };

  const patchStatus = async (pod: V1Pod, status: Record<string, unknown>) => {
    const { name = '', namespace = '' } = pod.metadata ?? {};
    try {
      await core.patchNamespacedPodStatus(
        { name, namespace, body: { status } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
      return true;
    } catch (error) {
      // Deleted meanwhile: its delete event frees the IP.
      if (statusOf(error) !== 404) throw error;
      return false;
    }
  };

  const probed = (pod: V1Pod) =>
    options.readinessProbes === true && pod.spec?.containers?.some((c) => c.readinessProbe);

  const start = async (pod: V1Pod) => {
    const { name = '', namespace = '', uid = '' } = pod.metadata ?? {};
    const ip = ips.get(uid) ?? pool.allocate();
    ips.set(uid, ip);
    // A probed pod is Ready only once its probe passes.
    if (await patchStatus(pod, runningStatus(pod, ip, new Date(), !probed(pod))))
      logger.info(`kubelet: ${namespace}/${name} Running on ${ip}`);
  };

  let probing = false;
  const probeAll = async () => {
    if (probing) return;
    probing = true;
    try {
      const started = (pods?.list() ?? []).filter((pod) => ours(pod) && probed(pod) && isStarted(pod));
      await Promise.all(
        started.map(async (pod) => {
          const url = readinessProbeUrl(pod);
          const ready = url !== undefined && (await probe(url));
          if (ready === isReady(pod)) return;
          await patchStatus(pod, readinessStatus(pod, ready, new Date()));
          logger.info(`kubelet: ${pod.metadata?.namespace}/${pod.metadata?.name} ${ready ? 'Ready' : 'not Ready'}`);
        }),
      );
    } catch (error) {
      logger.warn(`kubelet: readiness probes: ${errorMessage(error)}`);
    } finally {
      probing = false;
    }
  };
  const prober = options.readinessProbes ? setInterval(probeAll, options.probePeriodMs ?? 200) : undefined;

  const pass = async () => {
    const scope = (pods?.list() ?? []).filter(ours);
    // IPs already given out (by an earlier kubelet, or by a test) first, so none is handed out twice.
    for (const pod of scope) {
      const ip = pod.status?.podIP;
      if (ip && !pod.metadata?.deletionTimestamp) {
        pool.reserve(ip);
        ips.set(pod.metadata?.uid ?? '', ip);
      }
    }
    for (const pod of scope) {
      if (pod.metadata?.deletionTimestamp) scheduleRemoval(pod);
      else if (!isStarted(pod)) await start(pod);
    }
  };

  const loop = startReconcileLoop({ name: 'kubelet', pass, delayMs: 50, resyncMs: 5_000, logger });
  const onChange = (verb: ChangeVerb, pod: V1Pod) => {
    if (verb === 'delete') {
      const uid = pod.metadata?.uid ?? '';
      const ip = ips.get(uid);
      if (ip) pool.release(ip);
      ips.delete(uid);
      clearTimeout(removals.get(uid));
      removals.delete(uid);
    }
    loop.trigger();
  };
  const stop = async () => {
    clearInterval(prober);
    await pods?.stop();
    await loop.stop();
    for (const timer of removals.values()) clearTimeout(timer);
    removals.clear();
  };
  try {
    if (options.nodes) await registerNodes(core, options.nodes.list, options.nodes.region);
    pods = await startInformer<V1Pod>({
      kubeConfig,
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces(),
      onChange,
      logger,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  loop.trigger();

  return {
    ipOf: (namespace, name) => {
      const pod = pods?.get(name, namespace);
      return ips.get(pod?.metadata?.uid ?? '') ?? (pod?.status?.podIP || undefined);
    },
    stop,
  };
}
