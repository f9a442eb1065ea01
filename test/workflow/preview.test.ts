// The `preview` workflow on the time-skipping server, with a worker on the fake world: it validates the
// input like a migration, reads the pre-flight and the shares through one activity, writes nothing,
// and returns the preview that `gateshift plan` prints; the Web UI's details show it too.
import { Client, WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { PREVIEW_WORKFLOW, TASK_QUEUE } from '../../src/api/names.js';
import type { PlanPreview } from '../../src/api/preview.js';
import { runPreview } from '../../src/cli/plan.js';
import { buildPlan, type MigrationInput } from '../../src/plan/index.js';
import { FakeWorld, lbInput, useTestServer, withWorker } from './harness.js';

const server = useTestServer();

function start(input: unknown, id: string) {
  return server().client.workflow.start<(raw: unknown) => Promise<PlanPreview>>(PREVIEW_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: id,
    args: [input],
  });
}

describe('the preview workflow', () => {
  it('returns every step with its writes and each phase’s shares, and writes nothing', async () => {
    const world = new FakeWorld();
    world.pods = { source: 2, target: 3 };
    await withWorker(server(), world, async () => {
      const handle = await start(lbInput(['lb-pv1', 'lb-pv2']), 'preview-ready');
      const preview = await handle.result();
      expect(preview.ready).toBe(true);
      expect(preview.steps.map((step) => [step.label, step.writes.length])).toEqual([
        ['phase 0 (initial 100/0)', 4],
        ['phase 1 (canary 90/10)', 4],
        ['phase 2 (half 50/50)', 4],
        ['phase 3 (majority 10/90)', 4],
        ['phase 4 (final 0/100)', 4],
        ['step 5 (source drained: under 0.1 requests/s for 5m)', 0],
        ['completion', 0],
      ]);
      expect(preview.steps[1]?.shares).toEqual([
        { resource: 'clb/lb-pv1', shares: { source: 90.91, target: 9.09 } },
        { resource: 'clb/lb-pv2', shares: { source: 90.91, target: 9.09 } },
      ]);
      const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
      expect(metadata.currentDetails).toContain('## Preview: ready');
      expect(metadata.currentDetails).toContain('`clb/lb-pv1` `90.91/9.09`');
    });
    expect(world.calls).toEqual(['readPreview']);
    expect(world.writes).toEqual([]);
  });

  it('says it is blocked when the pre-flight fails', async () => {
    const world = new FakeWorld();
    world.preflight = {
      ok: false,
      items: [{ item: 'CLB reusable', ok: false, status: 'fail', why: 'tagged', fix: 'untag', resource: 'clb/lb-pv3' }],
    };
    await withWorker(server(), world, async () => {
      const preview = await (await start(lbInput(['lb-pv3']), 'preview-blocked')).result();
      expect(preview.ready).toBe(false);
      expect(preview.preflight.map((item) => item.status)).toEqual(['fail']);
    });
    expect(world.writes).toEqual([]);
  });

  it('refuses a bad input with the field named, like a migration, and runs no activity', async () => {
    const world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const input: MigrationInput = { ...lbInput(['lb-pv4']), phases: [{ sourceWeight: 0, targetWeight: 0 }] };
      const error = await (await start(input, 'preview-invalid')).result().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause as { type?: string; message: string };
      expect(cause.type).toBe('InvalidInput');
      expect(cause.message).toMatch(/^invalid input: phases\[0\]: every gateway is at weight 0/);
    });
    expect(world.calls).toEqual([]);
  });

  it('is what `gateshift plan` runs, as a workflow of type preview', async () => {
    const world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const input = lbInput(['lb-pv5']);
      // A plain client, as the CLI's: the test environment's own skips time while it awaits a result.
      const client = new Client({ connection: server().connection, namespace: server().namespace });
      const preview = await runPreview(client, input, buildPlan(input), 'preview-cli');
      expect(preview.steps).toHaveLength(7);
      const description = await client.workflow.getHandle('preview-cli').describe();
      expect(description.type).toBe('preview');
    });
  });
});
