// kube-apiserver and etcd for the test cluster, built from the Go module proxy. Neither installs with
// `go install pkg@version` (both main modules carry replace directives), so each is built as a
// dependency of a small generated wrapper module. Two wrappers, not one: each binary keeps the
// dependency versions its own release was tested with (etcd 3.5.35 pins a far newer gRPC and
// OpenTelemetry than Kubernetes 1.33 does).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { announce, installAtomically, progress, requireCommand, run, toolDir, which } from './cache.js';

export const KUBERNETES_VERSION = '1.33.13';
export const ETCD_VERSION = '3.5.35';
export const KUBE_APISERVER_ENV = 'GATESHIFT_KUBE_APISERVER';
export const ETCD_ENV = 'GATESHIFT_ETCD';

const TOOL = 'kube-test-cluster';
const TOOL_VERSION = `k8s-v${KUBERNETES_VERSION}-etcd-v${ETCD_VERSION}`;

// k8s.io/kubernetes requires these at v0.0.0 and replaces them with ./staging paths; each is
// published at v0.<minor>.<patch>. (sample-cli-plugin and sample-controller are not required.)
const STAGING_MODULES = [
  'api',
  'apiextensions-apiserver',
  'apimachinery',
  'apiserver',
  'cli-runtime',
  'client-go',
  'cloud-provider',
  'cluster-bootstrap',
  'code-generator',
  'component-base',
  'component-helpers',
  'controller-manager',
  'cri-api',
  'cri-client',
  'csi-translation-lib',
  'dynamic-resource-allocation',
  'endpointslice',
  'externaljwt',
  'kms',
  'kube-aggregator',
  'kube-controller-manager',
  'kube-proxy',
  'kube-scheduler',
  'kubectl',
  'kubelet',
  'metrics',
  'mount-utils',
  'pod-security-admission',
  'sample-apiserver',
];

function cachedPath(binary: 'kube-apiserver' | 'etcd'): string {
  return join(toolDir(TOOL, TOOL_VERSION), binary);
}

/** Resolution order: env var, the binary on PATH, the cache. Undefined when none exists yet. */
function find(binary: 'kube-apiserver' | 'etcd', envVar: string): string | undefined {
  const fromEnv = process.env[envVar];
  if (fromEnv) return fromEnv;
  return which(binary) ?? (existsSync(cachedPath(binary)) ? cachedPath(binary) : undefined);
}

export const findKubeApiserver = (): string | undefined => find('kube-apiserver', KUBE_APISERVER_ENV);
export const findEtcd = (): string | undefined => find('etcd', ETCD_ENV);

export async function ensureKubeApiserver(): Promise<string> {
  const found = findKubeApiserver();
  if (found) return found;
  await buildBoth();
  return cachedPath('kube-apiserver');
}

export async function ensureEtcd(): Promise<string> {
  const found = findEtcd();
  if (found) return found;
  await buildBoth();
  return cachedPath('etcd');
}

function writeModule(dir: string, name: string, requires: string, replaces: string[]): void {
  mkdirSync(dir, { recursive: true });
  const replaceBlock = replaces.length > 0 ? `\nreplace (\n${replaces.map((r) => `\t${r}\n`).join('')})\n` : '';
  writeFileSync(
    join(dir, 'go.mod'),
    `module gateshift.local/${name}\n\ngo 1.24.0\n\nrequire ${requires}\n${replaceBlock}`,
  );
}

async function buildBoth(): Promise<void> {
  requireCommand('kube-apiserver and etcd', 'go', 'install Go >= 1.26');
  const dir = toolDir(TOOL, TOOL_VERSION);
  announce(
    `building kube-apiserver v${KUBERNETES_VERSION} and etcd v${ETCD_VERSION} from the Go module proxy ` +
      `(about 5 minutes on 2 cores the first time) into ${dir}`,
  );
  const started = Date.now();
  // -mod=mod lets the build fill the wrappers' go.sum from the checksum database.
  const env = { CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  // The wrapper modules stay in the cache entry (src/): their go.sum records exactly what was built.
  await installAtomically(dir, async (staging) => {
    const apiserverModule = join(staging, 'src', 'kube-apiserver');
    const [, minor, patch] = KUBERNETES_VERSION.split('.');
    writeModule(
      apiserverModule,
      'kube-apiserver',
      `k8s.io/kubernetes v${KUBERNETES_VERSION}`,
      STAGING_MODULES.map((m) => `k8s.io/${m} => k8s.io/${m} v0.${minor}.${patch}`),
    );
    // The apiserver refuses to start when its own version is unset ("emulation version" checks).
    const versionFlags = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
      `-X ${pkg}.gitVersion=v${KUBERNETES_VERSION}`,
      `-X ${pkg}.gitMajor=1`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
    ]);
    await run(
      'go',
      [
        'build',
        '-trimpath',
        '-tags',
        'providerless',
        '-ldflags',
        ['-s -w', ...versionFlags].join(' '),
        '-o',
        join(staging, 'kube-apiserver'),
        'k8s.io/kubernetes/cmd/kube-apiserver',
      ],
      { cwd: apiserverModule, env },
    );
    progress(`kube-apiserver built after ${Math.round((Date.now() - started) / 1000)} s; building etcd`);
    const etcdModule = join(staging, 'src', 'etcd');
    writeModule(etcdModule, 'etcd', `go.etcd.io/etcd/server/v3 v${ETCD_VERSION}`, []);
    // etcd 3.5's server module root is its `main` package.
    await run(
      'go',
      ['build', '-trimpath', '-ldflags', '-s -w', '-o', join(staging, 'etcd'), 'go.etcd.io/etcd/server/v3'],
      {
        cwd: etcdModule,
        env,
      },
    );
  });
  progress(`kube-apiserver and etcd ready in ${Math.round((Date.now() - started) / 1000)} s`);
}
