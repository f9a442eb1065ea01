// The prometheus-operator CRDs (ServiceMonitor, PrometheusRule, ...) for the manifests' dry-run test,
// as published in the operator's Go module (example/prometheus-operator-crd/), fetched through the Go
// module proxy, which checks the module against the checksum database; the sum is pinned here too.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { announce, installAtomically, progress, requireCommand, toolDir } from './cache.js';

export const PROMETHEUS_OPERATOR_VERSION = '0.88.0';
const MODULE = 'github.com/prometheus-operator/prometheus-operator';
const MODULE_SUM = 'h1:3T/dCQdk7CUVRqVfwRHoC5g66fC/ML6XQQLtQVL6Q5o=';
const CRD_DIR = 'example/prometheus-operator-crd';
export const PROMETHEUS_OPERATOR_CRDS_ENV = 'GATESHIFT_PROMETHEUS_OPERATOR_CRDS';

function cachedDir(): string {
  return toolDir('prometheus-operator-crds', PROMETHEUS_OPERATOR_VERSION);
}

/** Directory holding `monitoring.coreos.com_*.yaml`: env var, then the cache. */
export function findPrometheusOperatorCrds(): string | undefined {
  const fromEnv = process.env[PROMETHEUS_OPERATOR_CRDS_ENV];
  if (fromEnv) return fromEnv;
  return existsSync(cachedDir()) ? cachedDir() : undefined;
}

export async function ensurePrometheusOperatorCrds(): Promise<string> {
  const found = findPrometheusOperatorCrds();
  if (found) return found;
  requireCommand('the prometheus-operator CRDs', 'go', 'install Go (the CRDs come from the Go module proxy)');
  const dir = cachedDir();
  announce(
    `fetching the prometheus-operator v${PROMETHEUS_OPERATOR_VERSION} CRDs from the Go module proxy into ${dir}`,
  );
  const started = Date.now();
  await installAtomically(dir, async (staging) => {
    const download = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@v${PROMETHEUS_OPERATOR_VERSION}`], {
      cwd: staging,
      encoding: 'utf8',
    });
    let info: { Dir?: string; Sum?: string; Error?: string };
    try {
      info = JSON.parse(download.stdout) as typeof info;
    } catch {
      throw new Error(
        `go mod download ${MODULE}@v${PROMETHEUS_OPERATOR_VERSION} failed:\n${download.stdout}${download.stderr}`,
      );
    }
    if (info.Error || !info.Dir) throw new Error(`go mod download: ${info.Error ?? 'no directory'}`);
    if (info.Sum !== MODULE_SUM)
      throw new Error(`${MODULE}@v${PROMETHEUS_OPERATOR_VERSION} has sum ${info.Sum}, pinned ${MODULE_SUM}`);
    const source = join(info.Dir, CRD_DIR);
    for (const file of readdirSync(source).filter((name) => name.endsWith('.yaml'))) {
      copyFileSync(join(source, file), join(staging, file));
    }
  });
  progress(`prometheus-operator CRDs ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return dir;
}
