// Without a kubelet, pods stay Pending with no IP; this plays the kubelet's status report for one pod
// (the lab's kubelet simulator does it for every pod it sees).
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { runningStatus } from '../kubelet/pod-status.js';

/** Marks a pod Running and Ready with `ip`, through the pods/status subresource. */
export async function markPodRunning(kubeconfig: string, namespace: string, name: string, ip: string): Promise<void> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  const pod = await core.readNamespacedPod({ name, namespace });
  await core.patchNamespacedPodStatus(
    { name, namespace, body: { status: runningStatus(pod, ip, new Date()) } },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
}
