// Another controller that shifts weights on the VirtualService: two writers of one route table would
// undo each other. Argo Rollouts marks what it manages with an annotation; Flagger owns the
// VirtualServices it generates (ownerReference to its Canary); Kruise Rollout annotates with its group.
import type { KubeObject } from '../../kube/objects.js';

const OWNER_GROUPS: Record<string, string> = {
  'argoproj.io': 'Argo Rollouts',
  'flagger.app': 'Flagger',
  'rollouts.kruise.io': 'Kruise Rollout',
};
const ARGO_MANAGED_BY = 'argo-rollouts.argoproj.io/managed-by-rollouts';

/** Each controller that claims the object, e.g. `Argo Rollouts (Rollout reviews)`. */
export function foreignOwners(object: KubeObject): string[] {
  const owners: string[] = [];
  const references = (object.metadata.ownerReferences ?? []) as { apiVersion?: string; kind?: string; name?: string }[];
  for (const reference of references) {
    const group = (reference.apiVersion ?? '').split('/')[0] ?? '';
    // argoproj.io is Argo CD's group too: only a Rollout is Argo Rollouts'.
    const tool = group === 'argoproj.io' && reference.kind !== 'Rollout' ? undefined : OWNER_GROUPS[group];
    if (tool) owners.push(`${tool} (${reference.kind} ${reference.name}, ownerReference)`);
  }
  const annotations = object.metadata.annotations ?? {};
  const rollout = annotations[ARGO_MANAGED_BY];
  if (rollout !== undefined) owners.push(`Argo Rollouts (Rollout ${rollout}, annotation ${ARGO_MANAGED_BY})`);
  for (const key of Object.keys(annotations)) {
    const group = key.split('/')[0] ?? '';
    if (key !== ARGO_MANAGED_BY && key.includes('/') && (group === 'flagger.app' || group === 'rollouts.kruise.io'))
      owners.push(`${OWNER_GROUPS[group]} (annotation ${key})`);
  }
  return owners;
}
