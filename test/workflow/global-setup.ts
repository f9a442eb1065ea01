// Bundles the workflow code once for every workflow test file (bundling takes seconds).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../workflows/index.ts', import.meta.url)),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  const dir = mkdtempSync(join(tmpdir(), 'gateshift-bundle-'));
  const path = join(dir, 'workflows.js');
  writeFileSync(path, code);
  project.provide('workflowBundlePath', path);
  return () => rmSync(dir, { recursive: true, force: true });
}
