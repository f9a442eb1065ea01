// Custom objects (Istio networking, ASM IstioGateway) as plain JSON: read, list, and server-side apply
// with a dry-run option. CustomObjectsApi sends bodies as they are; the typed models would drop fields.
import { CustomObjectsApi, PatchStrategy } from '@kubernetes/client-node';
import { ApplicationFailure } from '@temporalio/common';
import { kubeConfig } from './config.js';
import { kubeRequest } from './request.js';
import { apiVersionOf, FIELD_MANAGER, type KubeResource } from './resources.js';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ObjectRef {
  resource: KubeResource;
  namespace: string;
  name: string;
  context?: string;
}

// kubectl's record of its last apply describes the source cluster's history, not the copy's.
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function customApi(context?: string): CustomObjectsApi {
  return kubeConfig(context).makeApiClient(CustomObjectsApi);
}

function api(resource: KubeResource) {
  return { group: resource.group, version: resource.version, plural: resource.plural };
}

export async function getObject(ref: ObjectRef): Promise<KubeObject | undefined> {
  try {
    return await kubeRequest({ verb: 'get', ...ref }, (options) =>
      customApi(ref.context).getNamespacedCustomObject(
        { ...api(ref.resource), namespace: ref.namespace, name: ref.name },
        options,
      ),
    );
  } catch (error) {
    if (error instanceof ApplicationFailure && error.type === 'KubeNotFound') return undefined;
    throw error;
  }
}

export async function listObjects(resource: KubeResource, namespace: string, context?: string): Promise<KubeObject[]> {
  const list: { items: KubeObject[] } = await kubeRequest({ verb: 'list', resource, namespace, context }, (options) =>
    customApi(context).listNamespacedCustomObject({ ...api(resource), namespace }, options),
  );
  return list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

/**
 * The object as another cluster would take it: what the server owns (uid, resourceVersion,
 * managedFields, creationTimestamp, generation, ownerReferences, status, ...) left out.
 */
export function portable(object: KubeObject, resource: KubeResource, namespace: string): KubeObject {
  const { apiVersion: _apiVersion, kind: _kind, metadata, status: _status, ...content } = object;
  const { [LAST_APPLIED]: _lastApplied, ...annotations } = metadata.annotations ?? {};
  return {
    apiVersion: apiVersionOf(resource),
    kind: resource.kind,
    metadata: {
      name: metadata.name,
      namespace,
      ...(metadata.labels && Object.keys(metadata.labels).length ? { labels: metadata.labels } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
    },
    ...content,
  };
}

/**
 * Server-side apply under the gateshift field manager; returns the object as stored, or as it would
 * be on a dry run. Forced: gateshift's copy is the truth for the fields it sets (the dry run shows what
 * that takes over), and an unforced conflict would be a 409 that no retry resolves.
 */
export function serverSideApply(
  object: KubeObject,
  resource: KubeResource,
  context: string | undefined,
  dryRun: boolean,
): Promise<KubeObject> {
  const namespace = object.metadata.namespace ?? '';
  const name = object.metadata.name;
  return kubeRequest(
    { verb: 'patch', resource, namespace, name, context },
    (requestOptions) =>
      customApi(context).patchNamespacedCustomObject(
        {
          ...api(resource),
          namespace,
          name,
          body: object,
          fieldManager: FIELD_MANAGER,
          force: true,
          dryRun: dryRun ? 'All' : undefined,
        },
        requestOptions,
      ),
    PatchStrategy.ServerSideApply,
  );
}

/** Deletes an object; one that is gone already counts as deleted. */
export async function deleteObject(ref: ObjectRef): Promise<void> {
  try {
    await kubeRequest({ verb: 'delete', ...ref }, (options) =>
      customApi(ref.context).deleteNamespacedCustomObject(
        { ...api(ref.resource), namespace: ref.namespace, name: ref.name },
        options,
      ),
    );
  } catch (error) {
    if (!(error instanceof ApplicationFailure && error.type === 'KubeNotFound')) throw error;
  }
}

/** Whether gateshift alone wrote the object (its only field manager): then gateshift created it. */
export function onlyGateshiftManages(object: KubeObject): boolean {
  // A controller's status writes (the ASM gateway's, say) do not make the object theirs.
  const managers = ((object.metadata.managedFields ?? []) as { manager?: string; subresource?: string }[]).filter(
    (entry) => entry.subresource !== 'status',
  );
  return managers.length > 0 && managers.every((entry) => entry.manager === FIELD_MANAGER);
}
