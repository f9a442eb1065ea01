// Another controller that shifts weights on a VirtualService, found by the marks each leaves on it.
import { describe, expect, it } from 'vitest';
import { foreignOwners } from '../../activities/drivers/virtualservice/owners.js';

const virtualService = (metadata: Record<string, unknown>) => ({
  apiVersion: 'networking.istio.io/v1beta1',
  kind: 'VirtualService',
  metadata: { name: 'reviews', ...metadata },
});

describe('the owners of a VirtualService', () => {
  it('names Argo Rollouts by its annotation or a Rollout ownerReference, Flagger by its ownerReference, Kruise Rollout by its annotation', () => {
    expect(
      foreignOwners(virtualService({ annotations: { 'argo-rollouts.argoproj.io/managed-by-rollouts': 'reviews' } })),
    ).toEqual(['Argo Rollouts (Rollout reviews, annotation argo-rollouts.argoproj.io/managed-by-rollouts)']);
    expect(
      foreignOwners(
        virtualService({ ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'reviews' }] }),
      ),
    ).toEqual(['Argo Rollouts (Rollout reviews, ownerReference)']);
    expect(
      foreignOwners(
        virtualService({ ownerReferences: [{ apiVersion: 'flagger.app/v1beta1', kind: 'Canary', name: 'reviews' }] }),
      ),
    ).toEqual(['Flagger (Canary reviews, ownerReference)']);
    expect(foreignOwners(virtualService({ annotations: { 'rollouts.kruise.io/trafficrouting': '{}' } }))).toEqual([
      'Kruise Rollout (annotation rollouts.kruise.io/trafficrouting)',
    ]);
  });

  it("leaves alone a VirtualService with other owners' marks (Helm, Argo CD)", () => {
    expect(
      foreignOwners(
        virtualService({
          annotations: { 'meta.helm.sh/release-name': 'bookinfo', 'argocd.argoproj.io/tracking-id': 'bookinfo:x' },
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' },
            { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: 'bookinfo' },
          ],
        }),
      ),
    ).toEqual([]);
  });
});
