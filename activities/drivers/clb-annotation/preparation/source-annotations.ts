// Step 1 of the ASM procedure on the Kubernetes side: the four CLB annotations on the source Service
// (weight 100), every other annotation kept. The undo gives the four keys back the values they had,
// or removes them where there were none.
import { CLB_ANNOTATIONS, type ClbTraffic, sourceAnnotations } from '../../../../src/plan/index.js';
import type { ActionOutcome } from '../../../contracts.js';
import { kubeFailure } from '../../../kube/errors.js';
import { readService } from '../../../kube/service.js';
import { dropRecord, patchAnnotations, preparedClb, readRecord, recordOnce } from './record.js';

const RECORD = 'clb-annotations-before';
const KEYS = Object.values(CLB_ANNOTATIONS);

type Found = Record<string, string | null>;

/** The four keys as they are against what the preparation wants: one line per key that differs. */
async function compare(traffic: ClbTraffic) {
  const { lb, source } = preparedClb(traffic);
  const desired = sourceAnnotations(lb);
  const current = (await readService(source)).metadata?.annotations ?? {};
  const differing = KEYS.filter((key) => current[key] !== desired[key]);
  const lines = differing.map(
    (key) =>
      `Service ${source.namespace}/${source.service}: ${key}: ${current[key] ? `"${current[key]}" → ` : '+ '}"${desired[key]}"`,
  );
  return { source, desired, current, lines };
}

export async function previewSourceAnnotations(traffic: ClbTraffic): Promise<ActionOutcome> {
  return { changes: (await compare(traffic)).lines };
}

export async function annotateSource(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { source, desired, current, lines } = await compare(traffic);
  if (lines.length === 0) return { changes: [] };
  await recordOnce<Found>(source, RECORD, Object.fromEntries(KEYS.map((key) => [key, current[key] ?? null])));
  await patchAnnotations(source, desired);
  const stored = (await readService(source)).metadata?.annotations ?? {};
  const missed = KEYS.filter((key) => stored[key] !== desired[key]);
  if (missed.length > 0)
    throw kubeFailure(
      'KubeWriteNotConfirmed',
      `Service ${source.namespace}/${source.service}: the API server stored other values for ${missed.join(', ')}`,
    );
  return { changes: lines };
}

export async function restoreSourceAnnotations(traffic: ClbTraffic): Promise<ActionOutcome> {
  const { source } = preparedClb(traffic);
  const found = await readRecord<Found>(source, RECORD);
  if (!found) return { changes: [] };
  const current = (await readService(source)).metadata?.annotations ?? {};
  const back = KEYS.filter((key) => (current[key] ?? null) !== (found[key] ?? null));
  await patchAnnotations(source, Object.fromEntries(back.map((key) => [key, found[key] ?? null])));
  await dropRecord(source, RECORD);
  return {
    changes: back.map(
      (key) =>
        `Service ${source.namespace}/${source.service}: ${key}${found[key] ? ` back to "${found[key]}"` : ' removed'}`,
    ),
  };
}
