// A plan's preview, as a short workflow the Web UI (or `gateshift plan`) can start with a migration's
// input: validate it, read the pre-flight and the shares through one read-only activity on the worker
// (which holds the credentials), and return the preview, which the Web UI shows as the details too.
import { proxyActivities, setCurrentDetails, workflowInfo } from '@temporalio/workflow';
import type { MigrationActivities } from '../activities/contracts.js';
import { type PlanPreview, planPreview } from '../src/api/preview.js';
import { renderPreview } from './render-preview.js';
import { validate } from './validate.js';

// A preview is asked for by someone waiting at a terminal: a few attempts, then the failure.
const { readPreview } = proxyActivities<Pick<MigrationActivities, 'readPreview'>>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

export async function preview(raw: unknown): Promise<PlanPreview> {
  const plan = validate(raw);
  const result = planPreview(plan, await readPreview({ migrationId: workflowInfo().workflowId, plan }));
  setCurrentDetails(renderPreview(result));
  return result;
}
