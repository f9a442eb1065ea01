// The tags that make the CCM refuse to reuse a CLB ("can not reuse loadbalancer created by kubernetes").
import type { ClbTag } from './models.js';

export const REUSE_BLOCKING_TAG_KEYS: readonly string[] = ['kubernetes.do.not.delete', 'ack.aliyun.com'];

export function reuseBlockingTags(tags: readonly ClbTag[]): ClbTag[] {
  return tags.filter((tag) => REUSE_BLOCKING_TAG_KEYS.includes(tag.key));
}
