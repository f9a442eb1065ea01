// Without a kubelet, pods stay Pending with no IP; this plays the kubelet's status report.
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/** Marks a pod Running and Ready with `ip`, through the pods/status subresource. */
export async function markPodRunning(kubeconfig: string, namespace: string, name: string, ip: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const pod = await core.readNamespacedPod({ name, namespace });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
  }));
  const containerStatuses = (pod.spec?.containers ?? []).map((container) => ({
    name: container.name,
    image: container.image ?? '',
    imageID: '',
    ready: true,
    started: true,
    restartCount: 0,
    state: { running: { startedAt: now } },
  }));
  const status = {
    phase: 'Running',
    hostIP: '127.0.0.1',
    podIP: ip,
    podIPs: [{ ip }],
    startTime: now,
    conditions,
    containerStatuses,
  };
  await core.patchNamespacedPodStatus(
    { name, namespace, body: { status } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}
