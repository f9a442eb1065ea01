// The worker's kubeconfig in the lab: its own ServiceAccount on the data-plane cluster (context
// `cluster`, the current one) and on the ASM control plane (context `asm`).
import { readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export function writeWorkerKubeconfig(path: string, workerKubeconfigs: Record<string, string>, current: string): void {
  const entries = Object.entries(workerKubeconfigs).map(([name, file]) => {
    const worker = parse(readFileSync(file, 'utf8'));
    return {
      cluster: { name, cluster: worker.clusters[0].cluster },
      user: { name: `worker-${name}`, user: worker.users[0].user },
      context: { name, context: { cluster: name, user: `worker-${name}` } },
    };
  });
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: entries.map((entry) => entry.cluster),
    users: entries.map((entry) => entry.user),
    contexts: entries.map((entry) => entry.context),
    'current-context': current,
  };
  writeFileSync(path, stringify(config), { mode: 0o600 });
}
