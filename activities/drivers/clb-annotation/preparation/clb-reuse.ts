// Step 1 of the ASM procedure, opt-in (prepare.fixClb): the CLB the CCM created for the Istio gateway
// becomes reusable — modification protection off, the tags that make the CCM refuse reuse removed.
// The undo puts back exactly the tags and protection that were there (the CCM finds its own CLB by them).
import { ApplicationFailure } from '@temporalio/common';
import type { ClbTraffic } from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import { reuseBlockingTags } from '../../../clb/reuse.js';
import type { ActionOutcome } from '../../../contracts.js';
import { dropRecord, preparedClb, readRecord, recordOnce } from './record.js';

const RECORD = 'clb-reuse-before';

type Found = { loadBalancerId: string; tags: { key: string; value: string }[]; protection: string | null };

async function readReuse(client: ClbClient, id: string) {
  const [attributes, tags] = await Promise.all([client.describeLoadBalancer(id), client.listTags(id)]);
  return { blocking: reuseBlockingTags(tags), protection: attributes.modificationProtection };
}

/** One line per change that making the CLB reusable takes, in the order it makes them. */
function reuseChanges(id: string, found: Awaited<ReturnType<typeof readReuse>>): string[] {
  const reason = found.protection.reason ? ` (${found.protection.reason})` : '';
  return [
    ...(found.protection.enabled
      ? [`CLB ${id}: modification protection ConsoleProtection${reason} → NonProtection`]
      : []),
    ...found.blocking.map((tag) => `CLB ${id}: - tag ${tag.key}=${tag.value}`),
  ];
}

/** What making the CLB reusable would change now. */
export async function previewClbReuse(client: ClbClient, traffic: ClbTraffic): Promise<ActionOutcome> {
  const { lb } = preparedClb(traffic);
  return { changes: reuseChanges(lb.id, await readReuse(client, lb.id)) };
}

export async function makeClbReusable(client: ClbClient, traffic: ClbTraffic): Promise<ActionOutcome> {
  const { lb, source } = preparedClb(traffic);
  const before = await readReuse(client, lb.id);
  if (before.blocking.length === 0 && !before.protection.enabled) return { changes: [] };
  await recordOnce<Found>(source, RECORD, {
    loadBalancerId: lb.id,
    tags: before.blocking,
    protection: before.protection.enabled ? (before.protection.reason ?? '') : null,
  });
  // Protection first: with it on, the CLB refuses configuration changes.
  if (before.protection.enabled) await client.setModificationProtection(lb.id, { enabled: false });
  if (before.blocking.length > 0)
    await client.untagResources(
      lb.id,
      before.blocking.map((tag) => tag.key),
    );
  const after = await readReuse(client, lb.id);
  if (after.blocking.length > 0 || after.protection.enabled)
    throw ApplicationFailure.create({
      type: 'ClbWriteNotConfirmed',
      message: `CLB ${lb.id}: read back still not reusable after the changes`,
    });
  return { changes: reuseChanges(lb.id, before) };
}

export async function restoreClbReuseBlocks(client: ClbClient, traffic: ClbTraffic): Promise<ActionOutcome> {
  const { lb, source } = preparedClb(traffic);
  const found = await readRecord<Found>(source, RECORD);
  if (!found) return { changes: [] };
  const now = await readReuse(client, lb.id);
  const changes: string[] = [];
  const missing = found.tags.filter((tag) => !now.blocking.some((have) => have.key === tag.key));
  if (missing.length > 0) {
    await client.tagResources(lb.id, missing);
    changes.push(`CLB ${lb.id}: tags ${missing.map((tag) => tag.key).join(', ')} put back`);
  }
  if (found.protection !== null && !now.protection.enabled) {
    await client.setModificationProtection(lb.id, { enabled: true, reason: found.protection || undefined });
    changes.push(`CLB ${lb.id}: modification protection on again`);
  }
  await dropRecord(source, RECORD);
  return { changes };
}
