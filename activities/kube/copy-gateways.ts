// Step 3 of the ASM procedure: the Gateway resources, with `spec.selector.istio` set to the ASM gateway,
// and the VirtualServices and DestinationRules unchanged, copied from the source cluster to the ASM
// control plane. Everything is dry-run first, so an object the ASM side would refuse stops the copy
// before anything is written; the dry run's diff is the readable "what would change".
import { asmContext } from './config.js';
import { type Change, diffValues, formatChange } from './diff.js';
import { getObject, type KubeObject, listObjects, portable, serverSideApply } from './objects.js';
import { DESTINATION_RULES, GATEWAYS, type KubeResource, VIRTUAL_SERVICES } from './resources.js';

export interface CopyGatewaysRequest {
  /** Namespaces of the source cluster holding the Gateway, VirtualService and DestinationRule resources. */
  namespaces: string[];
  /** The source cluster's kubeconfig context (the plan's source.kubeContext); the current one when absent. */
  sourceContext?: string;
  /** The Istio gateway's pod labels (the plan's source.selector): a Gateway whose selector is within them is copied. */
  sourceSelector: Record<string, string>;
  /** The ASM gateway's name: the copies' `spec.selector.istio`. */
  asmGatewayName: string;
  /** The ASM control plane's kubeconfig context; default $GATESHIFT_ASM_KUBECONTEXT, else the current one. */
  asmContext?: string;
  /**
   * The ASM namespace for a source namespace; the same name when absent. Short host names in the
   * copies resolve in the namespace they land in, so a different name changes what they mean.
   */
  namespaceMap?: Record<string, string>;
  /** true: the dry run and its diff only. */
  dryRun: boolean;
}

export interface CopiedObject {
  kind: string;
  name: string;
  sourceNamespace: string;
  namespace: string;
  action: 'create' | 'update' | 'unchanged';
  /** From the ASM object before the copy to after it (or as the dry run says it would be). */
  changes: Change[];
}

export interface SkippedGateway {
  name: string;
  namespace: string;
  reason: string;
}

export interface CopyGatewaysResult {
  dryRun: boolean;
  context?: string;
  objects: CopiedObject[];
  skipped: SkippedGateway[];
  /** Something was (or on a dry run, would be) created or updated. */
  changed: boolean;
  /** One block per object: `Gateway ns/name: create` and its changed leaves. */
  diff: string;
}

interface Copy {
  resource: KubeResource;
  object: KubeObject;
  sourceNamespace: string;
}

const labels = (selector: Record<string, string>) =>
  Object.entries(selector)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

function gatewayCopy(gateway: KubeObject, request: CopyGatewaysRequest, namespace: string): KubeObject | string {
  const selector = (gateway.spec?.selector ?? {}) as Record<string, string>;
  const entries = Object.entries(selector);
  if (!entries.length || entries.some(([key, value]) => request.sourceSelector[key] !== value))
    return `selects {${labels(selector)}}, not the source gateway's pods {${labels(request.sourceSelector)}}`;
  const copy = portable(gateway, GATEWAYS, namespace);
  return { ...copy, spec: { ...copy.spec, selector: { ...selector, istio: request.asmGatewayName } } };
}

async function readCopies(request: CopyGatewaysRequest, skipped: SkippedGateway[]): Promise<Copy[]> {
  const copies: Copy[] = [];
  for (const sourceNamespace of request.namespaces) {
    const namespace = request.namespaceMap?.[sourceNamespace] ?? sourceNamespace;
    for (const gateway of await listObjects(GATEWAYS, sourceNamespace, request.sourceContext)) {
      const copy = gatewayCopy(gateway, request, namespace);
      if (typeof copy === 'string')
        skipped.push({ name: gateway.metadata.name, namespace: sourceNamespace, reason: copy });
      else copies.push({ resource: GATEWAYS, object: copy, sourceNamespace });
    }
    for (const resource of [DESTINATION_RULES, VIRTUAL_SERVICES])
      for (const object of await listObjects(resource, sourceNamespace, request.sourceContext))
        copies.push({ resource, object: portable(object, resource, namespace), sourceNamespace });
  }
  return copies;
}

/** A copy without its identity, which the diff's heading line already names. */
function content(object: KubeObject, resource: KubeResource, namespace: string): Record<string, unknown> {
  const { apiVersion: _apiVersion, kind: _kind, metadata, ...rest } = portable(object, resource, namespace);
  const { name: _name, namespace: _namespace, ...labelsAndAnnotations } = metadata;
  return { metadata: labelsAndAnnotations, ...rest };
}

async function applyCopy(copy: Copy, context: string | undefined, dryRun: boolean): Promise<CopiedObject> {
  const { resource, object } = copy;
  const namespace = object.metadata.namespace ?? '';
  const before = await getObject({ resource, namespace, name: object.metadata.name, context });
  const after = await serverSideApply(object, resource, context, dryRun);
  const changes = diffValues(before && content(before, resource, namespace), content(after, resource, namespace));
  return {
    kind: resource.kind,
    name: object.metadata.name,
    sourceNamespace: copy.sourceNamespace,
    namespace,
    action: !before ? 'create' : changes.length ? 'update' : 'unchanged',
    changes,
  };
}

function formatDiff(objects: CopiedObject[]): string {
  return objects
    .map((o) =>
      [`${o.kind} ${o.namespace}/${o.name}: ${o.action}`, ...o.changes.map((c) => `  ${formatChange(c)}`)].join('\n'),
    )
    .join('\n');
}

export async function copyGateways(request: CopyGatewaysRequest): Promise<CopyGatewaysResult> {
  const context = asmContext(request.asmContext);
  const skipped: SkippedGateway[] = [];
  const copies = await readCopies(request, skipped);
  const planned: { copy: Copy; dryRun: CopiedObject }[] = [];
  for (const copy of copies) planned.push({ copy, dryRun: await applyCopy(copy, context, true) });
  const objects: CopiedObject[] = [];
  for (const { copy, dryRun } of planned)
    objects.push(request.dryRun || dryRun.action === 'unchanged' ? dryRun : await applyCopy(copy, context, false));
  return {
    dryRun: request.dryRun,
    context,
    objects,
    skipped,
    changed: objects.some((o) => o.action !== 'unchanged'),
    diff: formatDiff(objects),
  };
}
