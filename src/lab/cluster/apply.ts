// Server-side apply of manifest files, and waiting until CRDs serve their resources.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  loadAllYaml,
  PatchStrategy,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';

const FIELD_MANAGER = 'gateshift-test-cluster';

// client-node's loader, not a plain YAML parse: the client serializes known kinds through its typed
// models, which silently drop wire names they do not recognise (x-kubernetes-preserve-unknown-fields).
function readManifests(file: string): KubernetesObject[] {
  return loadAllYaml(readFileSync(file, 'utf8'));
}

/** Applies in order; returns what was applied. */
export async function applyManifests(kc: KubeConfig, files: string[]): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  const objects = files.flatMap(readManifests);
  for (const object of objects) {
    await client.patch(object, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply);
  }
  return objects;
}

/** Waits until each CRD is Established and every served version answers a list. */
export async function waitForCrds(
  kc: KubeConfig,
  crds: V1CustomResourceDefinition[],
  timeoutMs = 30_000,
): Promise<void> {
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const name = crd.metadata?.name ?? '';
    for (;;) {
      try {
        const current = await extensions.readCustomResourceDefinition({ name });
        const established = current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        if (established) {
          const { group, names } = current.spec;
          for (const { name: version } of current.spec.versions.filter((v) => v.served)) {
            await custom.listClusterCustomObject({ group, version, plural: names.plural });
          }
          break;
        }
      } catch (error) {
        // Not yet served: the list answers 404 for a moment after Established.
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline) throw new Error(`CRD ${name} not established within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}
