// `gateshift start` against the time-skipping server and a worker on the fake world: it waits for the
// locks and the pre-flight, prints the checklist, and exits 0 only when the migration got past them.
import { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { rollbackUpdate } from '../../src/api/names.js';
import { startMigration as startFromCli } from '../../src/cli/start.js';
import { buildPlan, type MigrationInput } from '../../src/plan/index.js';
import { FakeWorld, type Handle, lbInput, startMigration, useTestServer, waitFor, withWorker } from './harness.js';

const server = useTestServer();

/**
 * Runs the CLI's start of `input` as workflow `id`; returns the exit code and what it printed. A plain
 * client, as the CLI's: the test environment's own skips time while it awaits a result.
 */
async function start(input: MigrationInput, id: string, wait?: boolean, noWorkerMs?: number) {
  const printed: string[] = [];
  const code = await startFromCli(
    new Client({ connection: server().connection, namespace: server().namespace }),
    input,
    buildPlan(input),
    { workflowId: id, wait, waitOptions: { pollMs: 50, noWorkerMs } },
    (line) => printed.push(line),
  );
  return { code, output: printed.join('\n') };
}

/**
 * Rolls back once the migration waits at its next gate, with no activity in flight: the test server
 * fails the workflow task that cancels an activity completing at that moment ("ACTIVITY_UNKNOWN"),
 * which leaves the workflow stuck.
 */
async function rollBack(id: string) {
  const handle = server().client.workflow.getHandle(id) as Handle;
  await waitFor(handle, (s) => s.state === 'waiting-approval', 'the next gate');
  await handle.executeUpdate(rollbackUpdate, { args: [{ by: 'test', reason: 'end of test' }] });
  await handle.result();
}

describe('gateshift start', () => {
  it('exits 0 once the pre-flight passed, with the checklist in one line and what comes next', async () => {
    const world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const { code, output } = await start(lbInput(['lb-st1']), 'cli-start-pass');
      expect(code).toBe(0);
      const lines = output.split('\n');
      expect(lines.slice(0, 2)).toEqual(['started migration cli-start-pass', 'preflight: all 1 checks passed']);
      expect(lines[2]).toMatch(/^now \S.*: phase [01] of 4 /);
      expect(output).toContain('gateshift approve cli-start-pass\n');
      await rollBack('cli-start-pass');
    });
  });

  it('exits 1 when the pre-flight fails, each item on its own line with its resource and fix', async () => {
    const world = new FakeWorld();
    world.preflight = {
      ok: false,
      items: [
        { item: 'CLB reusable', ok: true, status: 'pass', why: 'no blocking tag', resource: 'clb/lb-st2' },
        {
          item: 'CLB reusable',
          ok: false,
          status: 'unchecked',
          cause: 'no Alibaba Cloud credentials',
          why: 'could not check: no Alibaba Cloud credentials (tried …)',
          fix: 'give the worker credentials',
          resource: 'clb/lb-st3',
        },
        {
          item: 'source gateway has ready pods',
          ok: false,
          status: 'unchecked',
          cause: 'no kubeconfig',
          why: 'could not check: the worker has no kubeconfig',
          fix: 'give the worker a kubeconfig',
        },
      ],
    };
    await withWorker(server(), world, async () => {
      const { code, output } = await start(lbInput(['lb-st2', 'lb-st3']), 'cli-start-fail');
      expect(code).toBe(1);
      expect(output).toBe(
        [
          'started migration cli-start-fail',
          'pre-flight failed, nothing was changed: no Alibaba Cloud credentials and no kubeconfig: 1 of 3 checks could run',
          '  UNCHECKED  [clb/lb-st3] CLB reusable: could not check: no Alibaba Cloud credentials (tried …)',
          '             fix: give the worker credentials',
          '  UNCHECKED  source gateway has ready pods: could not check: the worker has no kubeconfig',
          '             fix: give the worker a kubeconfig',
        ].join('\n'),
      );
    });
    expect(world.writes).toEqual([]);
  });

  it('exits 1 when another migration holds a resource, saying which', async () => {
    const world = new FakeWorld();
    await withWorker(server(), world, async () => {
      const holder = await startMigration(server(), lbInput(['lb-st4']), 'cli-start-holder');
      await waitFor(holder, (s) => s.preflight !== null, 'the holder past its locks');
      const { code, output } = await start(lbInput(['lb-st4']), 'cli-start-second');
      expect(code).toBe(1);
      expect(output).toBe(
        [
          'started migration cli-start-second',
          'failed: clb/lb-st4 is held by running migration cli-start-holder: wait for it to end or roll it back before starting another',
        ].join('\n'),
      );
      await server().client.workflow.getHandle('cli-start-holder').terminate('end of test');
    });
  });

  it('returns at once with --no-wait, and says when no worker picks the migration up', async () => {
    const started = await start(lbInput(['lb-st5']), 'cli-start-nowait', false);
    expect(started.code).toBe(0);
    expect(started.output).toContain('started migration cli-start-nowait\napprove the next step (either):');
    const waited = await start(lbInput(['lb-st6']), 'cli-start-noworker', undefined, 500);
    expect(waited.code).toBe(1);
    expect(waited.output).toMatch(
      /^started migration cli-start-noworker\nno worker has picked it up in \d+ s: is a gateshift worker polling task queue "gateshift"/,
    );
    for (const id of ['cli-start-nowait', 'cli-start-noworker'])
      await server().client.workflow.getHandle(id).terminate('end of test');
  });
});
