// Where the worker finds its clusters: KUBECONFIG (or ~/.kube/config) with its contexts, or the
// in-cluster ServiceAccount. One KubeConfig per context, loaded once and kept for the process.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { kubeFailure } from './errors.js';

/** Names the kubeconfig context of the ASM control plane, where the Gateway copies and the IstioGateway go. */
export const ASM_CONTEXT_ENV = 'GATESHIFT_ASM_KUBECONTEXT';

let loaded: KubeConfig | undefined;
const byContext = new Map<string, KubeConfig>();

function loadOnce(): KubeConfig {
  if (loaded) return loaded;
  const kc = new KubeConfig();
  // loadFromDefault would fall back to http://localhost:8080 when it finds nothing; refuse instead.
  if (process.env.KUBECONFIG || existsSync(join(homedir(), '.kube', 'config'))) kc.loadFromDefault();
  else if (process.env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
  else
    throw kubeFailure(
      'KubeConfigInvalid',
      'no kubeconfig: set KUBECONFIG, provide ~/.kube/config, or run the worker in a cluster',
    );
  loaded = kc;
  return kc;
}

/** The KubeConfig for `context`, or for the current context when none is named. */
export function kubeConfig(context?: string): KubeConfig {
  if (context === undefined) return loadOnce();
  const cached = byContext.get(context);
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
  byContext.set(context, kc);
  return kc;
}

/** The ASM control plane's context: the one given, else $GATESHIFT_ASM_KUBECONTEXT, else the current one. */
export function asmContext(context?: string): string | undefined {
  return context ?? (process.env[ASM_CONTEXT_ENV] || undefined);
}
