// The deploy/ files agree with each other and with the worker: RBAC per driver (and rbac.yaml, which the
// test cluster applies, equal to identity + clb-annotation), the Deployment, Service and ServiceMonitor on
// one port and label set, the compose stack's alert rules equal to the PrometheusRule, and the dashboard
// and alerts reading only the metrics the worker exports. Server-side dry runs: the integration suite.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ISTIOD_TOKEN_FILE_ENV } from '../../activities/drivers/virtualservice/istiod.js';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/api/names.js';
import { createMetrics } from '../../src/metrics.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const deploy = join(root, 'deploy');

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
  [key: string]: any;
}

function objects(file: string): K8sObject[] {
  return parseAllDocuments(readFileSync(join(deploy, file), 'utf8'))
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

function find(file: string, kind: string, name?: string): K8sObject {
  const found = objects(file).filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ''} in ${file}`).toHaveLength(1);
  return found[0] as K8sObject;
}

/** The metric names the worker exports, from its own registry. */
const GATESHIFT_METRICS = new Set(
  createMetrics()
    .registry.getMetricsAsArray()
    .map((metric) => metric.name)
    .filter((name) => name.startsWith('gateshift_')),
);
/** The Temporal SDK metrics used, as a worker exports them (seen on a real worker's /metrics). */
const TEMPORAL_METRICS = new Set([
  'temporal_num_pollers',
  'temporal_worker_task_slots_used',
  'temporal_request_latency_bucket',
]);

function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(gateshift_\w+|temporal_\w+)\b/g)].map((match) => match[1] as string);
}

const DRIVERS = ['clb-annotation', 'virtualservice', 'asm-gateway-canary'];
const WORKER = { kind: 'ServiceAccount', name: 'gateshift-worker', namespace: 'gateshift' };

describe('RBAC', () => {
  it('rbac.yaml is rbac/identity.yaml plus the clb-annotation rules, under the name the tests use', () => {
    const legacy = objects('rbac.yaml');
    expect(legacy.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/gateshift',
      'ServiceAccount/gateshift-worker',
      'ClusterRole/gateshift-worker',
      'ClusterRoleBinding/gateshift-worker',
    ]);
    expect(legacy.slice(0, 2)).toEqual(objects('rbac/identity.yaml'));
    expect(find('rbac.yaml', 'ClusterRole').rules).toEqual(
      find('rbac/clb-annotation.yaml', 'ClusterRole', 'gateshift-driver-clb-annotation').rules,
    );
  });

  it('gives each driver one ClusterRole bound to the worker, with no wildcard and no write to secrets', () => {
    for (const driver of DRIVERS) {
      const file = `rbac/${driver}.yaml`;
      const role = find(file, 'ClusterRole', `gateshift-driver-${driver}`);
      const binding = find(file, 'ClusterRoleBinding', `gateshift-driver-${driver}`);
      expect(role.metadata.labels?.['gateshift.io/driver']).toBe(driver);
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: role.metadata.name,
      });
      expect(binding.subjects).toEqual([WORKER]);
      for (const rule of role.rules as Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>) {
        for (const list of [rule.apiGroups, rule.resources, rule.verbs]) expect(list).not.toContain('*');
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('configmaps');
        expect(rule.verbs).not.toContain('escalate');
        expect(rule.verbs).not.toContain('impersonate');
      }
    }
  });

  it('grants each driver what the issue lists, and nothing else', () => {
    const grants = (driver: string) =>
      Object.fromEntries(
        (
          find(`rbac/${driver}.yaml`, 'ClusterRole').rules as Array<{
            apiGroups: string[];
            resources: string[];
            verbs: string[];
          }>
        ).flatMap((rule) =>
          rule.resources.map((resource) => [`${rule.apiGroups[0] || 'core'}/${resource}`, rule.verbs.join(',')]),
        ),
      );
    expect(grants('virtualservice')).toEqual({
      'networking.istio.io/virtualservices': 'get,list,watch,patch',
      'networking.istio.io/serviceentries': 'get,list,watch,create,patch,delete',
      'core/pods': 'get,list,watch',
      'core/services': 'get',
    });
    expect(grants('asm-gateway-canary')).toEqual({
      'istio.alibabacloud.com/istiogateways': 'get,list,watch,patch',
      'apps/deployments': 'get,list,watch',
      'core/pods': 'get,list,watch',
      'core/services': 'get',
    });
    // The virtualservice driver's delete is fenced by an admission policy to what it labelled.
    const policy = find('rbac/virtualservice-delete-guard.yaml', 'ValidatingAdmissionPolicy');
    expect(policy.spec.matchConditions[0].expression).toContain('system:serviceaccount:gateshift:gateshift-worker');
    expect(policy.spec.validations[0].expression).toContain("['app.kubernetes.io/managed-by'] == 'gateshift'");
  });
});

describe('the worker in a cluster', () => {
  const deployment = find('worker.yaml', 'Deployment', 'gateshift-worker');
  const config = find('worker.yaml', 'ConfigMap', 'gateshift-worker');
  const service = find('worker.yaml', 'Service', 'gateshift-worker');
  const container = deployment.spec.template.spec.containers[0];

  it('runs two replicas as the worker ServiceAccount, non-root as the image user, read-only', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.template.spec.serviceAccountName).toBe('gateshift-worker');
    const dockerUser = /^USER (\d+)/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1];
    expect(String(deployment.spec.template.spec.securityContext.runAsUser)).toBe(dockerUser);
    expect(deployment.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
    expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toContain('/tmp');
    expect(find('worker.yaml', 'PodDisruptionBudget').spec.minAvailable).toBe(1);
  });

  it('shows istiod a token for the audience istio-ca, in the file the worker reads it from', () => {
    const file = container.env.find((env: { name: string }) => env.name === ISTIOD_TOKEN_FILE_ENV)?.value;
    const mount = container.volumeMounts.find((m: { mountPath: string }) => file.startsWith(`${m.mountPath}/`));
    const volume = deployment.spec.template.spec.volumes.find((v: { name: string }) => v.name === mount?.name);
    expect(volume?.projected.sources).toEqual([
      {
        serviceAccountToken: {
          audience: 'istio-ca',
          expirationSeconds: 3600,
          path: file.slice(mount.mountPath.length + 1),
        },
      },
    ]);
  });

  it('serves /metrics and /healthz on one named port that the probes, the Service and the ServiceMonitor use', () => {
    expect(config.data.GATESHIFT_METRICS_HOST).toBe('0.0.0.0');
    const port = Number(config.data.GATESHIFT_METRICS_PORT);
    expect(container.ports).toEqual([{ name: 'metrics', containerPort: port, protocol: 'TCP' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports[0]).toMatchObject({ name: 'metrics', targetPort: 'metrics' });
    const monitor = find('monitoring/servicemonitor.yaml', 'ServiceMonitor');
    expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    expect(monitor.spec.endpoints[0]).toMatchObject({ port: 'metrics', path: '/metrics' });
  });

  it('takes credentials only by reference: optional Secrets, or RRSA on the ServiceAccount', () => {
    expect(JSON.stringify(config.data)).not.toMatch(/ACCESS_KEY|SECRET|TOKEN|PASSWORD/);
    const secrets = container.envFrom.filter((from: { secretRef?: object }) => from.secretRef);
    expect(secrets.map((from: { secretRef: { name: string; optional: boolean } }) => from.secretRef)).toEqual([
      { name: 'gateshift-alibaba-cloud', optional: true },
      { name: 'gateshift-webhooks', optional: true },
      { name: 'gateshift-temporal', optional: true },
    ]);
    expect(find('rrsa.yaml', 'ServiceAccount', 'gateshift-worker').metadata.annotations).toHaveProperty(
      'pod-identity.alibabacloud.com/role-name',
    );
    expect(find('rrsa.yaml', 'Namespace', 'gateshift').metadata.labels).toEqual({
      'pod-identity.alibabacloud.com/injection': 'on',
    });
  });

  it('lists only existing files in its kustomizations', () => {
    for (const dir of ['.', 'monitoring']) {
      const kustomization = parse(readFileSync(join(deploy, dir, 'kustomization.yaml'), 'utf8'));
      const files = [
        ...(kustomization.resources ?? []),
        ...(kustomization.configMapGenerator ?? []).flatMap((g: { files: string[] }) => g.files),
      ];
      for (const file of files) expect(readdirSync(join(deploy, dir))).toContain(file.split('/')[0]);
    }
  });
});

describe('alerts', () => {
  const rule = find('monitoring/prometheusrule.yaml', 'PrometheusRule');
  const rules = rule.spec.groups.flatMap((group: { rules: Array<{ alert: string; expr: string }> }) => group.rules);

  it('are the same groups in the cluster (PrometheusRule) and in the compose stack', () => {
    const compose = parse(readFileSync(join(deploy, 'compose/prometheus/alerts.yml'), 'utf8'));
    expect(compose).toEqual({ groups: rule.spec.groups });
  });

  it('cover a long wait for a human, a rollback and a worker without pollers, on exported metrics only', () => {
    expect(rules.map((r: { alert: string }) => r.alert)).toEqual(
      expect.arrayContaining(['GateshiftMigrationWaitingForHuman', 'GateshiftRollback', 'GateshiftWorkerNoPollers']),
    );
    for (const { expr } of rules) {
      for (const name of metricNames(expr)) expect([...GATESHIFT_METRICS, ...TEMPORAL_METRICS]).toContain(name);
    }
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(join(deploy, 'monitoring/gateshift-dashboard.json'), 'utf8'));
  const panels = dashboard.panels.filter((panel: { type: string }) => panel.type !== 'row');
  const exprs: string[] = panels.flatMap((panel: { targets: Array<{ expr: string }> }) =>
    panel.targets.map((t) => t.expr),
  );

  it('reads only the metrics the worker exports', () => {
    const used = new Set(exprs.flatMap(metricNames));
    for (const name of used) expect([...GATESHIFT_METRICS, ...TEMPORAL_METRICS]).toContain(name);
    for (const name of [
      'gateshift_migration_phase',
      'gateshift_migration_state',
      'gateshift_migration_desired_weight',
      'gateshift_migration_weight',
      'gateshift_analysis_value',
      'gateshift_analysis_threshold',
    ]) {
      expect(used).toContain(name);
    }
  });

  it('shows one migration at a time, chosen by a variable, with shares per resource and thresholds beside values', () => {
    expect(dashboard.uid).toBe('gateshift');
    const variable = dashboard.templating.list.find((v: { name: string }) => v.name === 'migration');
    expect(variable.query.query).toBe('label_values(gateshift_migration_phase, migration)');
    for (const expr of exprs.filter((e) => /gateshift_(migration|analysis)_/.test(e))) {
      expect(expr).toContain('migration=~"$migration"');
    }
    expect(exprs).toContain('max by (resource, side) (gateshift_migration_weight{migration=~"$migration"})');
    const analysis = panels.find((p: { title: string }) => p.title === 'Analysis against thresholds');
    expect(analysis.targets.map((t: { legendFormat: string }) => t.legendFormat)).toEqual([
      '{{check}}',
      '{{check}} threshold',
    ]);
  });

  it('marks human actions and rollbacks as annotations', () => {
    const annotations = dashboard.annotations.list.filter((a: { expr?: string }) => a.expr);
    expect(annotations.map((a: { name: string }) => a.name)).toEqual(['Human actions', 'Rollbacks']);
    for (const annotation of annotations) {
      for (const name of metricNames(annotation.expr)) expect(GATESHIFT_METRICS).toContain(name);
    }
  });
});

describe('the compose stack', () => {
  it("creates the worker's search attributes, no more, no fewer", () => {
    const script = readFileSync(join(deploy, 'compose/temporal/create-namespace.sh'), 'utf8');
    const listed = /for attribute in ([^;]+); do/.exec(script)?.[1]?.trim().split(/\s+/) ?? [];
    expect(Object.fromEntries(listed.map((entry) => entry.split('=')))).toEqual(SEARCH_ATTRIBUTE_TYPES);
  });
});
