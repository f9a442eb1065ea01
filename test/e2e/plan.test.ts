// `gateshift plan` against the lab, as an operator runs it: the CLI process talks to the Temporal dev
// server, the worker process reads the lab's cluster and CLBs with its own credentials. It prints every
// step with its writes and the share each lab CLB will apply, exits 0 when ready, 1 when the pre-flight
// blocks, 2 on bad input, and writes nothing: no Service changes and no CLB backend moves.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../scripts/tools/dev-server.js';
import { type Lab, startLab } from '../../src/lab/index.js';
import { CLBS, GATEWAY_NAMESPACE } from '../../src/lab/names.js';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process.js';

const WEIGHT = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-weight';
let server: DevServer;
let lab: Lab;
let worker: WorkerProcess | undefined;

/** Runs the gateshift CLI as its own process; its exit code and what it printed. */
function gateshift(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { env: { ...process.env, TEMPORAL_ADDRESS: server.address } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Everything a preview must not change: the gateway Services (resourceVersion, annotations) and the CLB backends. */
async function worldState() {
  const config = new KubeConfig();
  config.loadFromFile(lab.adminKubeconfigs.cluster);
  const services = await config.makeApiClient(CoreV1Api).listNamespacedService({ namespace: GATEWAY_NAMESPACE });
  return {
    services: services.items.map((service) => ({
      name: service.metadata?.name,
      resourceVersion: service.metadata?.resourceVersion,
      annotations: service.metadata?.annotations,
    })),
    backends: CLBS.map((clb) => lab.emulator.state.requireVServerGroup(clb.vServerGroupId).backends),
  };
}

beforeAll(async () => {
  server = await startDevServer({ uiPort: false });
  lab = await startLab({ rps: 0, podIpPrefix: '127.0.15.' });
  worker = startWorkerProcess({ ...lab.workerEnv, TEMPORAL_ADDRESS: server.address });
});

afterAll(async () => {
  await worker?.stop('SIGKILL');
  await lab?.stop();
  await server?.stop();
});

describe('gateshift plan against the lab', () => {
  it('previews the lab migration, ready, with the share each CLB applies per phase, and writes nothing', async () => {
    const before = await worldState();
    const { code, stdout, stderr } = await gateshift('plan', 'examples/lab.yaml');
    expect(code, stderr).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('preview of lab: bookinfo ingress from Istio to ASM (clb-annotation); nothing was written');
    expect(lines[1]).toMatch(/^preflight: all \d+ checks passed/);
    // The lab runs 2 Istio and 3 ASM gateway pods behind each CLB: 90/10 gives 45 per source pod and 3
    // per target pod, a target share of 9/99.
    for (const clb of CLBS) {
      expect(lines).toContain(`backends today: clb/${clb.id}: 2 source, 3 target backends in ${clb.vServerGroupId}`);
      expect(stdout).toMatch(new RegExp(`share {2}clb/${clb.id} +source / target 90\\.91% / 9\\.09%`));
      expect(stdout).toMatch(
        new RegExp(`write {2}clb/${clb.id} +Service ${GATEWAY_NAMESPACE}/${clb.targetService}: ${WEIGHT}: "10"`),
      );
    }
    expect(lines).toContain('  1  phase 1 (canary 90/10), soak 1m: needs approval');
    expect(lines.at(-2)).toMatch(/^ready: /);
    expect(await worldState()).toEqual(before);
  });

  it('prints the same as JSON', async () => {
    const { code, stdout } = await gateshift('plan', 'examples/lab.yaml', '--json');
    expect(code).toBe(0);
    const preview = JSON.parse(stdout) as { ready: boolean; steps: { shares?: { resource: string }[] }[] };
    expect(preview.ready).toBe(true);
    expect(preview.steps[4]?.shares?.map((share) => share.resource)).toEqual(CLBS.map((clb) => `clb/${clb.id}`));
  });

  it('exits 1 for examples/migration.yaml, whose CLB the lab does not have, and writes nothing', async () => {
    const before = await worldState();
    const { code, stdout } = await gateshift('plan', 'examples/migration.yaml');
    expect(code).toBe(1);
    // It prepares the raw cluster first: each step with what it writes.
    expect(stdout).toContain('  0  step 0 (make the CLB reusable): needs approval');
    expect(stdout).toMatch(
      /write {2}clb\/lb-bp1onpskfeceg +CLB lb-bp1onpskfeceg: UntagResources kubernetes\.do\.not\.delete, ack\.aliyun\.com/,
    );
    expect(stdout).toMatch(
      /write {2}clb\/lb-bp1onpskfeceg +Service istio-system\/istio-ingressgateway: \+ service\.beta\.kubernetes\.io\/alibaba-cloud-loadbalancer-vgroup-port: "rsp-bp1r4xk8a:80,rsp-bp1r4xk8b:443"/,
    );
    expect(stdout).toContain('  3  step 3 (move the listeners to the planned vServer groups): needs approval');
    expect(stdout).toMatch(
      /write {2}clb\/lb-bp1onpskfeceg +CLB lb-bp1onpskfeceg listener 443: VServerGroupId → rsp-bp1r4xk8b \(Set…ListenerAttribute VServerGroup=on\)/,
    );
    expect(stdout).toMatch(/write {2}clb\/lb-bp1onpskfeceg +IstioGateway istio-system\/ingressgateway-asm/);
    expect(stdout).toContain(
      '  6  step 6 (ASM gateway registered, healthy and answering every route): waits up to 10m, then handled as a breach',
    );
    // After 0/100 it waits for the Istio gateway to drain.
    expect(stdout).toContain(
      '  12  step 12 (source drained: under 0.1 requests/s for 5m): waits up to 1h, then a human decides',
    );
    expect(stdout).toMatch(/^preflight: .*checks could run/m);
    expect(stdout).toContain('lb-bp1onpskfeceg');
    expect(stdout).toMatch(/^shares unknown: vServer group rsp-bp1r4xk8a .*does not exist/m);
    expect(stdout.trim().split('\n').at(-1)).toMatch(/^blocked: /);
    expect(await worldState()).toEqual(before);
  });

  it('exits 2 on a bad input, naming the field, before it reaches Temporal', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gateshift-plan-')), 'bad.yaml');
    writeFileSync(file, 'traffic: { kind: clb-annotation }\n');
    const { code, stderr } = await gateshift('plan', file);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^invalid input: traffic\.source: /m);
  });
});
