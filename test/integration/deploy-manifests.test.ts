// Every manifest in deploy/, applied with a server-side dry run (strict field validation) to a real
// kube-apiserver that serves the prometheus-operator CRDs from the operator's own module: a typo in a
// field, a type or a CEL expression fails here. Then the per-driver RBAC for real (SubjectAccessReview),
// the ServiceEntry delete guard, and the alert rules and dashboard queries through promtool.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { findPrometheus } from '../../scripts/tools/prometheus.js';
import { findPrometheusOperatorCrds } from '../../scripts/tools/prometheus-operator-crds.js';
import { applyManifests, waitForCrds } from '../../src/lab/cluster/apply.js';
import { startTestCluster, type TestCluster } from '../../src/lab/cluster/index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const deploy = join(root, 'deploy');
const FIELD_MANAGER = 'gateshift-deploy-test';

/** Every Kubernetes manifest under deploy/ (not the compose stack's files, not kustomizations). */
function manifestFiles(dir = deploy): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'compose' ? [] : manifestFiles(path);
    return entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml' ? [path] : [];
  });
}

/** The ConfigMap that deploy/monitoring/kustomization.yaml generates from the dashboard JSON. */
function dashboardConfigMap(): KubernetesObject {
  const kustomization = parse(readFileSync(join(deploy, 'monitoring/kustomization.yaml'), 'utf8'));
  const generator = kustomization.configMapGenerator[0];
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: generator.name, namespace: kustomization.namespace, labels: generator.options.labels },
    data: Object.fromEntries(
      generator.files.map((file: string) => [file, readFileSync(join(deploy, 'monitoring', file), 'utf8')]),
    ),
  } as KubernetesObject;
}

/** Exposes the client's own URL for an object, so that the test can send a strict dry-run apply. */
class ObjectPaths extends KubernetesObjectApi {
  path(object: KubernetesObject): Promise<string> {
    return this.specUriPath(object, 'patch');
  }
}

let cluster: TestCluster | undefined;
let admin: KubeConfig;
let paths: ObjectPaths;

/** Server-side apply with dryRun=All and fieldValidation=Strict; resolves with the status and message. */
async function dryRunApply(object: KubernetesObject): Promise<{ status: number; message: string }> {
  const path = await paths.path(object);
  const url = new URL(path, cluster?.server);
  url.searchParams.set('dryRun', 'All');
  url.searchParams.set('fieldManager', FIELD_MANAGER);
  url.searchParams.set('fieldValidation', 'Strict');
  url.searchParams.set('force', 'true');
  const options: Parameters<typeof request>[1] = {
    method: 'PATCH',
    headers: { 'content-type': 'application/apply-patch+yaml', accept: 'application/json' },
  };
  await admin.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const req = request(url, options, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => {
        const message = res.statusCode === 200 || res.statusCode === 201 ? '' : (JSON.parse(body).message as string);
        resolve({ status: res.statusCode ?? 0, message });
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(object));
  });
}

beforeAll(async () => {
  const crds = findPrometheusOperatorCrds();
  if (!crds)
    throw new Error('the prometheus-operator CRDs are not installed: run `npm run setup -- prometheus-operator-crds`');
  cluster = await startTestCluster();
  admin = new KubeConfig();
  admin.loadFromFile(cluster.adminKubeconfig);
  paths = admin.makeApiClient(ObjectPaths);
  const installed = await applyManifests(
    admin,
    ['servicemonitors', 'prometheusrules'].map((plural) => join(crds, `monitoring.coreos.com_${plural}.yaml`)),
  );
  await waitForCrds(admin, installed as V1CustomResourceDefinition[]);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('deploy/ against a real kube-apiserver', () => {
  it('accepts every manifest in a strict server-side dry run', async () => {
    const objects = manifestFiles().flatMap((file) =>
      loadAllYaml(readFileSync(file, 'utf8')).map((object: KubernetesObject) => ({
        file: relative(deploy, file),
        object,
      })),
    );
    objects.push({ file: 'monitoring/kustomization.yaml (dashboard)', object: dashboardConfigMap() });
    const refused: string[] = [];
    for (const { file, object } of objects) {
      const { status, message } = await dryRunApply(object);
      if (status >= 300) refused.push(`${file}: ${object.kind}/${object.metadata?.name}: ${status} ${message}`);
    }
    expect(refused).toEqual([]);
    // Every file and kind is counted, so a manifest that silently fell out of the walk shows up here.
    const kinds = objects.map(({ object }) => object.kind).sort();
    expect(kinds).toEqual(
      [
        ...['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding'], // rbac.yaml
        ...['Namespace', 'ServiceAccount'], // rbac/identity.yaml
        ...['ClusterRole', 'ClusterRoleBinding'], // rbac/clb-annotation.yaml
        ...['ClusterRole', 'ClusterRoleBinding'], // rbac/virtualservice.yaml
        ...['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'], // rbac/virtualservice-delete-guard.yaml
        ...['ClusterRole', 'ClusterRoleBinding'], // rbac/asm-gateway-canary.yaml
        ...['ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget'], // worker.yaml
        ...['Namespace', 'ServiceAccount'], // rrsa.yaml
        ...['ServiceMonitor', 'PrometheusRule', 'ConfigMap'], // monitoring/
      ].sort(),
    );
    // A dry run persists nothing.
    const monitors = await admin.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
      group: 'monitoring.coreos.com',
      version: 'v1',
      namespace: 'gateshift',
      plural: 'servicemonitors',
    });
    expect(monitors.items).toEqual([]);
  });

  it('refuses a typo: an unknown field, a wrong type in a CRD, a broken CEL expression', async () => {
    const deployment = loadAllYaml(readFileSync(join(deploy, 'worker.yaml'), 'utf8')).find(
      (object: KubernetesObject) => object.kind === 'Deployment',
    );
    const typo = { ...deployment, spec: { ...deployment.spec, replicaz: 2 } };
    // The apiserver answers an unknown field in an apply with 500 "field not declared in schema".
    const unknownField = await dryRunApply(typo);
    expect(unknownField.status).toBeGreaterThanOrEqual(400);
    expect(unknownField.message).toContain('.spec.replicaz: field not declared in schema');

    const [monitor] = loadAllYaml(readFileSync(join(deploy, 'monitoring/servicemonitor.yaml'), 'utf8'));
    const wrongType = { ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 'metrics', interval: 15 }] } };
    expect((await dryRunApply(wrongType)).status).toBeGreaterThanOrEqual(400);

    const [policy] = loadAllYaml(readFileSync(join(deploy, 'rbac/virtualservice-delete-guard.yaml'), 'utf8'));
    const badCel = {
      ...policy,
      spec: { ...policy.spec, validations: [{ expression: "oldObject.metadata.labels['x'] == " }] },
    };
    expect(await dryRunApply(badCel)).toMatchObject({
      status: 422,
      message: expect.stringContaining('spec.validations[0].expression'),
    });
  });
});

describe('RBAC per driver, applied for real', () => {
  const review = async (user: string, verb: string, resource: string, group = '', subresource?: string) => {
    const answer = await admin.makeApiClient(AuthorizationV1Api).createSubjectAccessReview({
      body: {
        spec: {
          user,
          groups: ['system:serviceaccounts', 'system:authenticated'],
          resourceAttributes: { namespace: 'istio-system', verb, resource, group, subresource },
        },
      },
    });
    return answer.status?.allowed ?? false;
  };

  it("gives each driver's ServiceAccount exactly its driver's rights", async () => {
    const core = admin.makeApiClient(CoreV1Api);
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-rbac-'));
    try {
      // Each driver file, bound to its own ServiceAccount instead of the worker's.
      for (const driver of ['clb-annotation', 'virtualservice', 'asm-gateway-canary']) {
        await core.createNamespacedServiceAccount({
          namespace: 'gateshift',
          body: { metadata: { name: `sa-${driver}` } },
        });
        const text = readFileSync(join(deploy, `rbac/${driver}.yaml`), 'utf8')
          .replaceAll('name: gateshift-worker', `name: sa-${driver}`)
          .replaceAll(`name: gateshift-driver-${driver}`, `name: test-${driver}`);
        writeFileSync(join(dir, `${driver}.yaml`), text);
      }
      await applyManifests(
        admin,
        readdirSync(dir).map((file) => join(dir, file)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const as = (driver: string) => `system:serviceaccount:gateshift:sa-${driver}`;
    await vi.waitFor(async () => expect(await review(as('clb-annotation'), 'patch', 'services')).toBe(true), {
      timeout: 5_000,
    });
    expect(await review(as('clb-annotation'), 'create', 'gateways', 'networking.istio.io')).toBe(true);
    expect(await review(as('clb-annotation'), 'delete', 'serviceentries', 'networking.istio.io')).toBe(false);

    expect(await review(as('virtualservice'), 'patch', 'virtualservices', 'networking.istio.io')).toBe(true);
    expect(await review(as('virtualservice'), 'delete', 'serviceentries', 'networking.istio.io')).toBe(true);
    // istiod is asked straight on its pods, never through the API server's pod or service proxy.
    expect(await review(as('virtualservice'), 'list', 'pods')).toBe(true);
    expect(await review(as('virtualservice'), 'get', 'pods', '', 'proxy')).toBe(false);
    expect(await review(as('virtualservice'), 'get', 'services', '', 'proxy')).toBe(false);
    expect(await review(as('virtualservice'), 'get', 'services')).toBe(true);
    expect(await review(as('virtualservice'), 'patch', 'services')).toBe(false);

    expect(await review(as('asm-gateway-canary'), 'patch', 'istiogateways', 'istio.alibabacloud.com')).toBe(true);
    expect(await review(as('asm-gateway-canary'), 'create', 'istiogateways', 'istio.alibabacloud.com')).toBe(false);
    expect(await review(as('asm-gateway-canary'), 'watch', 'deployments', 'apps')).toBe(true);
    expect(await review(as('asm-gateway-canary'), 'patch', 'deployments', 'apps')).toBe(false);
    expect(await review(as('asm-gateway-canary'), 'get', 'services')).toBe(true);
    expect(await review(as('asm-gateway-canary'), 'patch', 'services')).toBe(false);

    for (const driver of ['clb-annotation', 'virtualservice', 'asm-gateway-canary']) {
      expect(await review(as(driver), 'get', 'secrets')).toBe(false);
    }
  });

  it('lets the worker delete only the ServiceEntries it labelled, once the delete guard is in place', async () => {
    await applyManifests(admin, [
      join(deploy, 'rbac/virtualservice.yaml'),
      join(deploy, 'rbac/virtualservice-delete-guard.yaml'),
    ]);
    const worker = new KubeConfig();
    worker.loadFromFile(cluster?.workerKubeconfig ?? '');
    const adminCustom = admin.makeApiClient(CustomObjectsApi);
    const workerCustom = worker.makeApiClient(CustomObjectsApi);
    const entry = (name: string, labels: Record<string, string>) => ({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'ServiceEntry',
      metadata: { name, namespace: 'default', labels },
      spec: {
        hosts: [`${name}.example.internal`],
        resolution: 'DNS',
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
      },
    });
    const target = { group: 'networking.istio.io', version: 'v1beta1', namespace: 'default', plural: 'serviceentries' };
    await adminCustom.createNamespacedCustomObject({ ...target, body: entry('users-own', { team: 'mesh' }) });
    await adminCustom.createNamespacedCustomObject({
      ...target,
      body: entry('gateshift-remote', { 'app.kubernetes.io/managed-by': 'gateshift' }),
    });
    // The policy takes a moment to load: its refusal is awaited with dry runs (admission runs on them too,
    // and an early one that passes deletes nothing), then a real delete is refused and the labelled one goes.
    const refusalOf = (dryRun?: 'All') =>
      workerCustom.deleteNamespacedCustomObject({ ...target, name: 'users-own', dryRun }).catch((e: unknown) => e);
    await vi.waitFor(
      async () => {
        const error = await refusalOf('All');
        expect(error).toBeInstanceOf(ApiException);
        expect((error as ApiException<string>).body).toContain('gateshift deletes only the ServiceEntries it created');
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(((await refusalOf()) as ApiException<string>).body).toContain(
      'gateshift deletes only the ServiceEntries it created',
    );
    await workerCustom.deleteNamespacedCustomObject({ ...target, name: 'gateshift-remote' });
    const left = await adminCustom.listNamespacedCustomObject(target);
    expect(left.items.map((item: KubernetesObject) => item.metadata?.name)).toEqual(['users-own']);
  });
});

describe('alert rules and dashboard queries, through promtool', () => {
  const promtool = () => {
    const prometheus = findPrometheus();
    if (!prometheus) throw new Error('Prometheus is not installed: run `npm run setup -- prometheus`');
    return join(prometheus, '..', 'promtool');
  };

  it('fire when a migration waits too long for a human, after a rollback, and for a worker without pollers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-rules-'));
    try {
      const rule = loadAllYaml(readFileSync(join(deploy, 'monitoring/prometheusrule.yaml'), 'utf8'))[0];
      writeFileSync(join(dir, 'rules.yml'), stringify({ groups: rule.spec.groups }));
      const waitingSince = 1000; // unix seconds; the test clock starts at 0
      writeFileSync(
        join(dir, 'test.yml'),
        stringify({
          rule_files: ['rules.yml'],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: [
                {
                  series: 'gateshift_migration_waiting_since_seconds{migration="bookinfo"}',
                  values: `0x15 ${waitingSince}x60`,
                },
                { series: 'gateshift_migration_waiting_since_seconds{migration="quick"}', values: '0x75' },
                { series: 'gateshift_rollbacks_total{reason="breach"}', values: '0x10 1x30' },
                {
                  series: 'temporal_num_pollers{instance="w1",poller_type="workflow_task",task_queue="gateshift"}',
                  values: '2x5 0x20',
                },
                {
                  series: 'temporal_num_pollers{instance="w2",poller_type="workflow_task",task_queue="gateshift"}',
                  values: '2x25',
                },
              ],
              alert_rule_test: [
                // Waiting since t=1000 s: 30 min later (t=2800 s, ~47 min) plus `for: 1m` fires, not before.
                { eval_time: '40m', alertname: 'GateshiftMigrationWaitingForHuman', exp_alerts: [] },
                {
                  eval_time: '50m',
                  alertname: 'GateshiftMigrationWaitingForHuman',
                  exp_alerts: [
                    {
                      exp_labels: { severity: 'warning', migration: 'bookinfo' },
                      exp_annotations: {
                        summary: 'Migration bookinfo has waited 33m 20s for a human',
                        description:
                          'The gate of migration bookinfo waits for an approval. Approve with `gateshift approve bookinfo` ' +
                          'or roll back with `gateshift rollback bookinfo --reason ...`; the weights hold meanwhile.',
                      },
                    },
                  ],
                },
                { eval_time: '5m', alertname: 'GateshiftRollback', exp_alerts: [] },
                {
                  eval_time: '12m',
                  alertname: 'GateshiftRollback',
                  exp_alerts: [
                    {
                      exp_labels: { severity: 'warning', reason: 'breach' },
                      exp_annotations: {
                        summary: 'A gateshift migration rolled back (reason: breach)',
                        description:
                          'A migration rolled its traffic back to the source gateway in the last 10 minutes. See ' +
                          '`gateshift list` and `gateshift status ID` for which one and why.',
                      },
                    },
                  ],
                },
                { eval_time: '8m', alertname: 'GateshiftWorkerNoPollers', exp_alerts: [] },
                {
                  eval_time: '15m',
                  alertname: 'GateshiftWorkerNoPollers',
                  exp_alerts: [
                    {
                      exp_labels: { severity: 'critical', instance: 'w1' },
                      exp_annotations: {
                        summary: 'gateshift worker w1 has no pollers on task queue gateshift',
                        description:
                          'The worker serves /metrics but polls no workflow or activity tasks; migrations it would run ' +
                          'make no progress. Check its connection to Temporal (TEMPORAL_ADDRESS, TLS, API key) and its logs.',
                      },
                    },
                  ],
                },
                { eval_time: '15m', alertname: 'GateshiftWorkersAbsent', exp_alerts: [] },
              ],
            },
          ],
        }),
      );
      const result = spawnSync(promtool(), ['test', 'rules', join(dir, 'test.yml')], { cwd: dir, encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('parse every dashboard query and annotation as PromQL', () => {
    const dashboard = JSON.parse(readFileSync(join(deploy, 'monitoring/gateshift-dashboard.json'), 'utf8'));
    const exprs: string[] = [
      ...dashboard.panels.flatMap((panel: { targets?: Array<{ expr: string }> }) =>
        (panel.targets ?? []).map((t) => t.expr),
      ),
      ...dashboard.annotations.list.flatMap((a: { expr?: string }) => (a.expr ? [a.expr] : [])),
    ];
    expect(exprs.length).toBeGreaterThan(10);
    // Grafana's variables as Prometheus would see them after substitution.
    const rules = exprs.map((expr, index) => ({
      record: `gateshift:dashboard_query_${index}`,
      expr: expr.replaceAll('$migration', 'bookinfo-to-asm').replaceAll('$__rate_interval', '1m'),
    }));
    const dir = mkdtempSync(join(tmpdir(), 'gateshift-dashboard-'));
    try {
      writeFileSync(join(dir, 'queries.yml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const result = spawnSync(promtool(), ['check', 'rules', join(dir, 'queries.yml')], { encoding: 'utf8' });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
