// The gateway Services as the ASM procedure wants them: the four CLB annotations on the Istio
// gateway's Service (weight 100 before anything moves), the same on the ASM gateway's (weight 0),
// and the same ports. Where the input and a Service disagree, the input may be what is wrong: the
// advice shows both values, input first, and never proposes overwriting a live gateway's annotations.

import type { ChecklistItem } from '../../../../src/api/records.js';
import { CLB_ANNOTATIONS, formatVgroupPort } from '../../../../src/plan/annotations.js';
import { clbResource, type PlannedLoadBalancer } from '../../../../src/plan/index.js';
import { fail, guarded, pass } from '../../../checklist.js';
import type { ClbAnnotationKey, ClbAnnotationValues } from '../../../kube/annotations.js';
import { readClbAnnotations } from '../../../kube/annotations.js';
import { compareServicePorts } from '../../../kube/ports.js';
import type { ServiceRef } from '../../../kube/service.js';
import type { ClbFields, Side } from './fields.js';

const AGAIN = 'start again once the API server answers';

function expectedAnnotations(lb: PlannedLoadBalancer, weight: string): Required<ClbAnnotationValues> {
  return { id: lb.id, forceOverrideListeners: 'false', vgroupPort: formatVgroupPort(lb.vServerGroups), weight };
}

const quote = (value: string | undefined) => (value === undefined ? 'missing' : `"${value}"`);
const assignments = (values: [ClbAnnotationKey, string][]) =>
  values.map(([key, value]) => `${CLB_ANNOTATIONS[key]}="${value}"`).join(' ');

/** What is wrong and what to do, for the annotations that differ from the plan's. */
function advice(
  ref: ServiceRef,
  side: Side,
  fields: ClbFields,
  want: Required<ClbAnnotationValues>,
  have: ClbAnnotationValues,
  clbConfirmed: boolean,
): { why: string; fix: string } {
  const differs = (key: ClbAnnotationKey) => have[key] !== undefined && have[key] !== want[key];
  const missing = (Object.keys(want) as ClbAnnotationKey[]).filter((key) => have[key] === undefined);
  const service = `${ref.namespace}/${ref.service}`;
  // The input names the CLB and its groups: when the Service says otherwise, either may be wrong.
  const disagreeing = (
    [
      ['id', fields.id],
      ['vgroupPort', fields.vServerGroups],
    ] as const
  ).filter(([key]) => differs(key));
  if (disagreeing.length > 0)
    return {
      why: disagreeing
        .map(
          ([key, field]) =>
            `the input gives ${quote(want[key])} (${field}), ${service} carries ${quote(have[key])} (${CLB_ANNOTATIONS[key]})`,
        )
        .join('; '),
      fix: `check the input first: if ${disagreeing.map(([, field]) => field).join(' or ')} is wrong, correct it and start again; if the input is right, ${service} disagrees with it (or ${fields.service[side]} names the wrong Service), which the Service's owner must sort out: gateshift proposes no write to a gateway Service that disagrees with the input`,
    };
  const whys = missing.map((key) => `${CLB_ANNOTATIONS[key]} is missing, expected "${want[key]}"`);
  const fixes: string[] = [];
  // Without --overwrite, kubectl only adds: it refuses to change a value that is already there. It
  // is proposed only for a CLB the SLB API has shown to exist: a typo in the input must not be copied.
  if (missing.length > 0)
    fixes.push(
      clbConfirmed
        ? `kubectl -n ${ref.namespace} annotate service ${ref.service} ${assignments(missing.map((key) => [key, want[key]]))}`
        : `first make "CLB reusable" pass: the input's CLB ${want.id} (${fields.id}) is not confirmed to exist, and these annotations would attach ${service} to it`,
    );
  if (differs('forceOverrideListeners')) {
    whys.push(
      `${CLB_ANNOTATIONS.forceOverrideListeners} is ${quote(have.forceOverrideListeners)}: the CCM would rewrite the shared CLB's listeners`,
    );
    fixes.push(
      `kubectl -n ${ref.namespace} annotate service ${ref.service} --overwrite ${assignments([['forceOverrideListeners', 'false']])}`,
    );
  }
  if (differs('weight')) {
    whys.push(
      `${CLB_ANNOTATIONS.weight} is ${quote(have.weight)}: a migration starts with the source at 100, the target at 0`,
    );
    fixes.push(
      'find out who left the weights there (gateshift list --all shows earlier migrations; gateshift rollback restores 100/0 of a running one) before setting them yourself',
    );
  }
  return { why: whys.join('; '), fix: fixes.join('; then ') };
}

export async function annotationsInPlace(
  side: Side,
  ref: ServiceRef,
  lb: PlannedLoadBalancer,
  fields: ClbFields,
  weight: string,
  clbConfirmed: boolean,
): Promise<ChecklistItem[]> {
  const item = `${side} Service ${ref.namespace}/${ref.service} carries the CLB annotations`;
  const want = expectedAnnotations(lb, weight);
  return guarded(
    item,
    AGAIN,
    async () => {
      const have = await readClbAnnotations(ref);
      const wrong = (Object.keys(want) as ClbAnnotationKey[]).filter((key) => have[key] !== want[key]);
      if (wrong.length === 0)
        return pass(item, `id ${lb.id}, vgroup-port ${want.vgroupPort}, weight ${weight}`, clbResource(lb.id));
      const { why, fix } = advice(ref, side, fields, want, have, clbConfirmed);
      return fail(item, why, fix, clbResource(lb.id));
    },
    clbResource(lb.id),
    {
      notFound: `check ${fields.service[side]} and traffic.${side}.namespace in the input: no Service ${ref.namespace}/${ref.service}`,
    },
  );
}

export async function portsMatch(source: ServiceRef, target: ServiceRef): Promise<ChecklistItem[]> {
  const item = 'target Service ports match the source';
  const fix = 'give the IstioGateway the ports and targetPorts of the Istio gateway Service';
  return guarded(item, AGAIN, async () => {
    const comparison = await compareServicePorts(source, target);
    return comparison.ok
      ? pass(item, `${comparison.source.length} port(s) with the same targetPort and protocol`)
      : fail(item, comparison.differences.map((difference) => difference.message).join('; '), fix);
  });
}
