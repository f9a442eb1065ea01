// Where the worker finds its clusters: KUBECONFIG (or ~/.kube/config) with its contexts, or the
// in-cluster ServiceAccount. One KubeConfig per context, loaded once and kept, per KUBECONFIG value (a
// worker keeps one; a test process may point at several labs in turn).
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeFailure } from './errors.js';

/** Names the kubeconfig context of the ASM control plane, where the Gateway copies and the IstioGateway go. */
export const ASM_CONTEXT_ENV = 'GATESHIFT_ASM_KUBECONTEXT';

const loaded = new Map<string, KubeConfig>();
const byContext = new Map<string, KubeConfig>();

const source = () => process.env.KUBECONFIG ?? '';

function loadOnce(): KubeConfig {
  const cached = loaded.get(source());
  if (cached) return cached;
  const kc = new KubeConfig();
  // loadFromDefault would fall back to http://localhost:8080 when it finds nothing; refuse instead.
  if (process.env.KUBECONFIG || existsSync(join(homedir(), '.kube', 'config'))) kc.loadFromDefault();
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else
    throw kubeFailure(
      'KubeConfigInvalid',
      'no kubeconfig: set KUBECONFIG, provide ~/.kube/config, or run the worker in a cluster',
    );
  loaded.set(source(), kc);
  return kc;
}

/** The KubeConfig for `context`, or for the current context when none is named. */
export function kubeConfig(context?: string): KubeConfig {
  if (context === undefined) return loadOnce();
  const key = `${source()}\n${context}`;
  const cached = byContext.get(key);
  if (cached) return cached;
  const base = loadOnce();
  if (!base.getContextObject(context)) {
    const known = base.contexts.map((c) => c.name).join(', ') || 'none';
    throw kubeFailure('KubeConfigInvalid', `kubeconfig context "${context}" does not exist (contexts: ${known})`);
  }
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: base.clusters,
    users: base.users,
    contexts: base.contexts,
    currentContext: context,
  });
  byContext.set(key, kc);
  return kc;
}

/** The ASM control plane's context: the one given, else $GATESHIFT_ASM_KUBECONTEXT, else the current one. */
export function asmContext(context?: string): string | undefined {
  return context ?? (process.env[ASM_CONTEXT_ENV] || undefined);
}
