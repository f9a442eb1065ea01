// The Service annotations that the cloud controller manager reads to attach a Service to a reused CLB.
import type { BackendMode } from './weights.js';

export const ANNOTATION_PREFIX = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-';
/** The prefix before 2019, which the CCM still reads; the `alibaba-cloud-` key wins when both are set. */
export const LEGACY_ANNOTATION_PREFIX = 'service.beta.kubernetes.io/alicloud-loadbalancer-';
/** `eni`: pods are the backends; `ecs`: nodes are; unset: the cluster's default (ENI on Terway clusters). */
export const BACKEND_TYPE_ANNOTATION = 'service.beta.kubernetes.io/backend-type';

export const CLB_ANNOTATIONS = {
  id: `${ANNOTATION_PREFIX}id`,
  forceOverrideListeners: `${ANNOTATION_PREFIX}force-override-listeners`,
  vgroupPort: `${ANNOTATION_PREFIX}vgroup-port`,
  weight: `${ANNOTATION_PREFIX}weight`,
} as const;

/** Whether the CCM takes a weight annotation: strconv.Atoi (an optional sign, digits, nothing else) in 0..100. */
export function ccmAcceptsWeight(value: string): boolean {
  return /^[+-]?\d+$/.test(value) && Number(value) >= 0 && Number(value) <= 100;
}

/** `"on"` (any case): the CCM never changes the backend weights of the Service. */
export const IGNORE_WEIGHT_UPDATE_ANNOTATION = `${ANNOTATION_PREFIX}ignore-weight-update`;

/** The legacy spelling of a CLB annotation key. */
export const legacyKey = (key: string) => LEGACY_ANNOTATION_PREFIX + key.slice(ANNOTATION_PREFIX.length);

/** A CLB annotation's value as the CCM reads it: the current key, else the legacy one. */
export function clbAnnotation(
  annotations: Readonly<Record<string, string>> | undefined,
  key: string,
): string | undefined {
  return annotations?.[key] ?? annotations?.[legacyKey(key)];
}

/**
 * The CCM's backend mode for a Service (helper.GetServiceTrafficPolicy): the backend-type annotation,
 * else the cluster's default backend type, decides ENI; otherwise externalTrafficPolicy Local or Cluster.
 */
export function backendModeOf(
  annotations: Readonly<Record<string, string>> | undefined,
  externalTrafficPolicy: string | undefined,
  clusterDefault: 'eni' | 'ecs',
): BackendMode {
  const type = annotations?.[BACKEND_TYPE_ANNOTATION] || clusterDefault;
  if (type === 'eni') return 'eni';
  return externalTrafficPolicy === 'Local' ? 'local' : 'cluster';
}

/** `rsp-a:80,rsp-b:443`: every vServer group of the CLB with the Service port it serves. */
export function formatVgroupPort(groups: readonly { id: string; port: number }[]): string {
  return groups.map((group) => `${group.id}:${group.port}`).join(',');
}

export function parseVgroupPort(value: string): { id: string; port: number }[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [id = '', port = ''] = entry.split(':');
      return { id: id.trim(), port: Number(port) };
    });
}
