// Containers' HTTP readiness probes (`readinessProbe.httpGet`), as the kubelet runs them: a GET of the
// path on the pod's IP, ready on a 2xx or 3xx answer within the timeout.
import type { V1Pod } from '@kubernetes/client-node';

const TIMEOUT_MS = 1_000;

/** The URL of the pod's first HTTP readiness probe, or undefined when no container has one. */
export function readinessProbeUrl(pod: V1Pod): string | undefined {
  const ip = pod.status?.podIP;
  for (const container of pod.spec?.containers ?? []) {
    const httpGet = container.readinessProbe?.httpGet;
    if (!httpGet || !ip) continue;
    const port =
      typeof httpGet.port === 'number' || /^\d+$/.test(httpGet.port)
        ? Number(httpGet.port)
        : container.ports?.find((candidate) => candidate.name === httpGet.port)?.containerPort;
    if (port === undefined) continue;
    return `http://${ip}:${port}${httpGet.path ?? '/'}`;
  }
  return undefined;
}

export async function probe(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'manual' });
    await response.body?.cancel();
    return response.status >= 200 && response.status < 400;
  } catch {
    return false;
  }
}
