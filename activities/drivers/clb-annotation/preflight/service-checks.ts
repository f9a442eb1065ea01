// The gateway Services as the ASM procedure wants them: the four CLB annotations on the Istio
// gateway's Service (weight 100 before anything moves), the same on the ASM gateway's (weight 0),
// and the same ports.

import type { ChecklistItem } from '../../../../src/api/records.js';
import { CLB_ANNOTATIONS, formatVgroupPort } from '../../../../src/plan/annotations.js';
import { clbResource, type PlannedLoadBalancer } from '../../../../src/plan/index.js';
import { fail, guarded, pass } from '../../../checklist.js';
import type { ClbAnnotationValues } from '../../../kube/annotations.js';
import { readClbAnnotations } from '../../../kube/annotations.js';
import { compareServicePorts } from '../../../kube/ports.js';
import type { ServiceRef } from '../../../kube/service.js';

function expectedAnnotations(lb: PlannedLoadBalancer, weight: string): Required<ClbAnnotationValues> {
  return { id: lb.id, forceOverrideListeners: 'false', vgroupPort: formatVgroupPort(lb.vServerGroups), weight };
}

export async function annotationsInPlace(
  side: 'source' | 'target',
  ref: ServiceRef,
  lb: PlannedLoadBalancer,
  weight: string,
): Promise<ChecklistItem[]> {
  const item = `${side} Service ${ref.namespace}/${ref.service} carries the CLB annotations`;
  const want = expectedAnnotations(lb, weight);
  const fix = `kubectl -n ${ref.namespace} annotate service ${ref.service} --overwrite ${Object.entries(want)
    .map(([key, value]) => `${CLB_ANNOTATIONS[key as keyof ClbAnnotationValues]}="${value}"`)
    .join(' ')}`;
  return guarded(
    item,
    fix,
    async () => {
      const have = await readClbAnnotations(ref);
      const wrong = (Object.keys(want) as (keyof ClbAnnotationValues)[]).filter((key) => have[key] !== want[key]);
      return wrong.length === 0
        ? pass(item, `id ${lb.id}, vgroup-port ${want.vgroupPort}, weight ${weight}`, clbResource(lb.id))
        : fail(
            item,
            wrong
              .map(
                (key) =>
                  `${CLB_ANNOTATIONS[key]} is ${have[key] === undefined ? 'missing' : `"${have[key]}"`}, expected "${want[key]}"`,
              )
              .join('; '),
            fix,
            clbResource(lb.id),
          );
    },
    clbResource(lb.id),
  );
}

export async function portsMatch(source: ServiceRef, target: ServiceRef): Promise<ChecklistItem[]> {
  const item = 'target Service ports match the source';
  return guarded(item, 'give the IstioGateway the ports and targetPorts of the Istio gateway Service', async () => {
    const comparison = await compareServicePorts(source, target);
    return comparison.ok
      ? pass(item, `${comparison.source.length} port(s) with the same targetPort and protocol`)
      : fail(
          item,
          comparison.differences.map((difference) => difference.message).join('; '),
          'give the IstioGateway the ports and targetPorts of the Istio gateway Service',
        );
  });
}
