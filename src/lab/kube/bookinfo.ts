// The bookinfo routing objects (Istio's samples, kept in src/lab/bookinfo): as written for the Istio
// gateway, or migrated for the ASM gateway (the Gateway's selector rewritten, the rest unchanged).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

const FILES = ['bookinfo-gateway.yaml', 'destination-rule-all.yaml', 'virtual-service-reviews-90-10.yaml'];
const PLURALS: Record<string, string> = {
  Gateway: 'gateways',
  VirtualService: 'virtualservices',
  DestinationRule: 'destinationrules',
};

export type KubeJson = Record<string, unknown> & { kind: string; apiVersion: string; metadata: { name: string } };

export function bookinfoObjects(asmGateway?: string): KubeJson[] {
  return FILES.flatMap((file) =>
    parseAllDocuments(readFileSync(fileURLToPath(new URL(`../bookinfo/${file}`, import.meta.url)), 'utf8'))
      .map((doc) => doc.toJS() as KubeJson | null)
      .filter((object): object is KubeJson => Boolean(object))
      .map((object) =>
        asmGateway && object.kind === 'Gateway'
          ? { ...object, spec: { ...(object.spec as object), selector: { istio: asmGateway } } }
          : object,
      ),
  );
}

function where(object: KubeJson, namespace: string) {
  const [group = '', version = ''] = object.apiVersion.split('/');
  return { group, version, namespace, plural: PLURALS[object.kind] ?? '' };
}

/** Creates each object, or replaces it where it exists and differs. */
export async function putObjects(custom: CustomObjectsApi, namespace: string, objects: KubeJson[]): Promise<void> {
  for (const object of objects) {
    const at = where(object, namespace);
    const name = object.metadata.name;
    const existing = await custom.getNamespacedCustomObject({ ...at, name }).catch(() => undefined);
    if (!existing) await custom.createNamespacedCustomObject({ ...at, body: object });
    else if (JSON.stringify(existing.spec) !== JSON.stringify(object.spec))
      await custom.replaceNamespacedCustomObject({
        ...at,
        name,
        body: { ...object, metadata: { ...object.metadata, resourceVersion: existing.metadata.resourceVersion } },
      });
  }
}

export async function deleteObject(custom: CustomObjectsApi, namespace: string, object: KubeJson): Promise<void> {
  await custom
    .deleteNamespacedCustomObject({ ...where(object, namespace), name: object.metadata.name })
    .catch(() => undefined);
}
