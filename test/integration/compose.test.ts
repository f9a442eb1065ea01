// docker-compose.yml, validated offline (no Docker engine runs here): `docker-compose config` accepts it
// with the .env that .env.example gives, and resolves the stack the README describes; a broken file is
// refused (the check is real); the stack's Prometheus configuration passes promtool; the Temporal setup
// scripts parse.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findDockerCompose } from '../../scripts/tools/docker-compose.js';
import { findPrometheus } from '../../scripts/tools/prometheus.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
let project = '';

/** The clone as a project directory whose .env is .env.example: a user's own .env is never read or touched. */
function projectDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateshift-compose-'));
  for (const entry of readdirSync(root)) {
    if (entry === '.env') continue;
    symlinkSync(join(root, entry), join(dir, entry));
  }
  copyFileSync(join(root, '.env.example'), join(dir, '.env'));
  return dir;
}

function compose(dir: string, args: string[], file = 'docker-compose.yml') {
  const binary = findDockerCompose();
  if (!binary) throw new Error('docker-compose is not installed: run `npm run setup -- docker-compose`');
  // HOME pinned: the file mounts ~/.kube/config and ~/.aliyun by default.
  return spawnSync(binary, ['--project-directory', dir, '-f', join(dir, file), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: '/home/sre' },
  });
}

beforeAll(() => {
  project = projectDir();
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('docker-compose.yml', () => {
  // biome-ignore lint/suspicious/noExplicitAny: the resolved file is inspected field by field
  let config: any;

  it('passes `docker-compose config` with the .env from .env.example', () => {
    const result = compose(project, ['config']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    config = parse(result.stdout);
  });

  it('runs Temporal on PostgreSQL, the Web UI, Prometheus, Grafana and the worker built from the Dockerfile', () => {
    expect(Object.keys(config.services).sort()).toEqual([
      'grafana',
      'postgresql',
      'prometheus',
      'temporal',
      'temporal-namespace',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    const { temporal, worker, grafana, prometheus } = config.services;
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgresql' });
    expect(temporal.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(worker.build).toEqual({ context: project, dockerfile: 'Dockerfile' });
    expect(worker.environment).toMatchObject({
      TEMPORAL_ADDRESS: 'temporal:7233',
      GATESHIFT_METRICS_HOST: '0.0.0.0',
      PROMETHEUS_URL: 'http://prometheus:9090',
      KUBECONFIG: '/home/gateshift/.kube/config',
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    });
    expect(worker.volumes).toEqual(
      expect.arrayContaining([
        '/home/sre/.kube/config:/home/gateshift/.kube/config:ro',
        '/home/sre/.aliyun:/home/gateshift/.aliyun:ro',
      ]),
    );
    expect(grafana.volumes).toContain(
      `${project}/deploy/monitoring/gateshift-dashboard.json:/var/lib/grafana/dashboards/gateshift.json:ro`,
    );
    expect(prometheus.volumes).toContain(`${project}/deploy/compose/prometheus:/etc/prometheus:ro`);
  });

  it('publishes ports on 127.0.0.1 only, and mounts only files the repository has', () => {
    for (const [name, service] of Object.entries<{ ports?: string[]; volumes?: string[] }>(config.services)) {
      for (const port of service.ports ?? []) expect(port, name).toMatch(/^127\.0\.0\.1:/);
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith(project)) expect(existsSync(source), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('takes the worker settings from .env: a value there reaches the worker', () => {
    const dir = projectDir();
    try {
      writeFileSync(
        join(dir, '.env'),
        'PROMETHEUS_URL=http://arms-prometheus.example:9090\nGATESHIFT_WEBHOOK_OPS=from-env-file\nKUBECONFIG_FILE=/etc/sre/kubeconfig\n',
      );
      const result = compose(dir, ['config']);
      expect(result.status, result.stderr).toBe(0);
      const worker = parse(result.stdout).services.worker;
      expect(worker.environment).toMatchObject({
        PROMETHEUS_URL: 'http://arms-prometheus.example:9090',
        GATESHIFT_WEBHOOK_OPS: 'from-env-file',
      });
      expect(worker.volumes).toContain('/etc/sre/kubeconfig:/home/gateshift/.kube/config:ro');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is validated for real: a typo in a service is refused, and so is a missing .env', () => {
    const dir = projectDir();
    try {
      writeFileSync(
        join(dir, 'broken.yml'),
        'services:\n  worker:\n    image: x\n    restart: sometimes\n    prots: ["1:1"]\n',
      );
      const broken = compose(dir, ['config'], 'broken.yml');
      expect(broken.status).not.toBe(0);
      expect(broken.stderr).toMatch(/prots|Additional properties/);
      rmSync(join(dir, '.env'));
      const missing = compose(dir, ['config']);
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toMatch(/\.env/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the stack's configuration files", () => {
  it("Prometheus: the configuration and gateshift's rule file pass promtool", () => {
    const prometheus = findPrometheus();
    if (!prometheus) throw new Error('Prometheus is not installed: run `npm run setup -- prometheus`');
    const promtool = join(prometheus, '..', 'promtool');
    const result = spawnSync(promtool, ['check', 'config', join(root, 'deploy/compose/prometheus/prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('SUCCESS: 5 rules found');
    const scrape = parse(readFileSync(join(root, 'deploy/compose/prometheus/prometheus.yml'), 'utf8'));
    expect(scrape.scrape_configs[0]).toMatchObject({
      job_name: 'gateshift-worker',
      static_configs: [{ targets: ['worker:9464'] }],
    });
  });

  it('the Temporal setup scripts parse as POSIX sh', () => {
    for (const script of ['setup-postgres.sh', 'create-namespace.sh']) {
      const result = spawnSync('sh', ['-n', join(root, 'deploy/compose/temporal', script)], { encoding: 'utf8' });
      expect(result.status, `${script}: ${result.stderr}`).toBe(0);
    }
  });
});
