// Histories recorded from these tests (GATESHIFT_RECORD_HISTORIES=1) replay against today's workflow
// code without non-determinism: a deployed worker can pick up migrations that started before it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { expect, inject, it } from 'vitest';

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));
const files = existsSync(dir) ? readdirSync(dir).filter((file) => file.endsWith('.json')) : [];

it('has recorded histories to replay', () => {
  expect(files.length).toBeGreaterThanOrEqual(4);
});

it.each(files)('replays %s deterministically', async (file) => {
  const history = JSON.parse(readFileSync(`${dir}${file}`, 'utf8'));
  const results = Worker.runReplayHistories({ workflowBundle: { codePath: inject('workflowBundlePath') } }, [
    { workflowId: file, history },
  ]);
  for await (const result of results) expect(result.error).toBeUndefined();
});
