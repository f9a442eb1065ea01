// The Service annotations that the cloud controller manager reads to attach a Service to a reused CLB.
export const ANNOTATION_PREFIX = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-';

export const CLB_ANNOTATIONS = {
  id: `${ANNOTATION_PREFIX}id`,
  forceOverrideListeners: `${ANNOTATION_PREFIX}force-override-listeners`,
  vgroupPort: `${ANNOTATION_PREFIX}vgroup-port`,
  weight: `${ANNOTATION_PREFIX}weight`,
} as const;

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
