// The CLB-annotation driver's pure half: both gateway Services carry the CLB weight annotations of
// the CLBs they share; each phase writes both weights on every CLB in lockstep.
import { z } from 'zod';
import { CLB_ANNOTATIONS } from '../annotations.js';
import { cloudId, dns1123Label, type GatewayRef, gatewaySchema, serviceName } from '../schema-parts.js';
import type { Step } from '../steps.js';
import { type Side, type SideWeights, writeOrder } from '../weights.js';
import { type DrainPlan, drainPlan, drainProblems, drainSchema, withDrain } from './clb-drain.js';
import {
  type ClbPreparation,
  clbPreparation,
  clbPrepareSchema,
  preparationSteps,
  preparationWrites,
} from './clb-prepare.js';
import type { CommonInput, PlanDriver, Problem, ResourceWrite } from './driver.js';
import { phaseSteps } from './phases.js';

export const CLB_ANNOTATION = 'clb-annotation';

export const vServerGroupSchema = z.strictObject({
  id: cloudId('rsp', 'rsp-bp1r4xk8a', 'vServer group').describe('vServer group id'),
  port: z.number().int().min(1).max(65535).describe('Service port this group serves (the vgroup-port annotation)'),
  listenerPort: z.number().int().min(1).max(65535).optional().describe('CLB listener port; default: the Service port'),
});

export const loadBalancerSchema = z
  .strictObject({
    id: cloudId('lb', 'lb-bp1onpskfeceg', 'CLB instance').describe('CLB instance id'),
    region: z
      .string()
      .regex(/^[a-z]{2,3}-[a-z0-9-]+$/, 'must be a region id such as "cn-hangzhou"')
      .describe('region of the CLB, e.g. "cn-hangzhou"'),
    vServerGroups: z
      .array(vServerGroupSchema)
      .min(1, 'must list every vServer group of the CLB')
      .describe('every vServer group of every listener; both gateways become backends of each'),
    sourceService: serviceName.optional().describe('source Service for this CLB; default: source.service'),
    targetService: serviceName.optional().describe('target Service for this CLB; default: target.service'),
  })
  .describe('a CLB shared by both gateways; several CLBs move in lockstep');

export const clbAnnotationFragment = z
  .strictObject({
    kind: z.literal(CLB_ANNOTATION),
    source: gatewaySchema.describe('the gateway traffic leaves (e.g. the Istio ingress gateway)'),
    target: gatewaySchema.describe('the gateway traffic moves to (e.g. the ASM ingress gateway)'),
    loadBalancers: z
      .array(loadBalancerSchema)
      .min(1, 'must name at least one CLB')
      .describe('the CLBs shared by both gateways'),
    gatewayNamespaces: z
      .array(dns1123Label)
      .min(1)
      .optional()
      .describe(
        'namespaces of the Gateway, VirtualService and DestinationRule resources the pre-flight checks (and the preparation copies) on the ASM control plane; default: the source namespace',
      ),
    prepare: clbPrepareSchema.optional(),
    drain: drainSchema.default(() => drainSchema.parse({})),
  })
  .describe('shift by the CLB weight annotations of the source and target gateway Services');

type Fragment = z.output<typeof clbAnnotationFragment>;

export interface PlannedLoadBalancer {
  id: string;
  region: string;
  vServerGroups: { id: string; port: number; listenerPort: number }[];
  sourceService: string;
  targetService: string;
}

export interface ClbTraffic {
  kind: typeof CLB_ANNOTATION;
  source: GatewayRef;
  target: GatewayRef;
  loadBalancers: PlannedLoadBalancer[];
  gatewayNamespaces: string[];
  /** Absent: the cluster is prepared already (both Services annotated, ASM gateway running, routing copied). */
  prepare?: ClbPreparation;
  drain: DrainPlan;
}

export const clbResource = (id: string) => `clb/${id}`;

function problems(traffic: Fragment, input: CommonInput): Problem[] {
  const found: Problem[] = drainProblems(traffic.drain);
  const at = (path: string) => `traffic.${path}`;
  const seenLb = new Map<string, number>();
  const groupOwner = new Map<string, number>();
  traffic.loadBalancers.forEach((lb, i) => {
    const first = seenLb.get(lb.id);
    if (first !== undefined)
      found.push({
        field: at(`loadBalancers[${i}].id`),
        problem: `CLB ${lb.id} is listed twice (also traffic.loadBalancers[${first}])`,
      });
    else seenLb.set(lb.id, i);
    lb.vServerGroups.forEach((group, j) => {
      const owner = groupOwner.get(group.id);
      if (owner === undefined) groupOwner.set(group.id, i);
      else
        found.push({
          field: at(`loadBalancers[${i}].vServerGroups[${j}].id`),
          problem:
            owner === i
              ? `vServer group ${group.id} is listed twice`
              : `vServer group ${group.id} is also listed under traffic.loadBalancers[${owner}]: a vServer group belongs to one CLB`,
        });
    });
    const source = lb.sourceService ?? traffic.source.service;
    const target = lb.targetService ?? traffic.target.service;
    if (sameCluster(traffic) && source === target && traffic.source.namespace === traffic.target.namespace) {
      const problem = sameService(i, lb, `${traffic.source.namespace}/${source}`);
      if (!found.some((known) => known.field === problem.field)) found.push(problem);
    }
  });
  if (
    sameCluster(traffic) &&
    traffic.source.namespace === traffic.target.namespace &&
    sameLabels(traffic.source.selector, traffic.target.selector)
  )
    found.push({
      field: at('target.selector'),
      problem: 'selects the same pods as traffic.source.selector: the target gateway must be other pods',
    });
  // One IstioGateway carries the annotations of one CLB.
  if (traffic.prepare && traffic.loadBalancers.length > 1)
    found.push({
      field: 'traffic.prepare',
      problem: `prepares one CLB (the ASM gateway's serviceAnnotations name one); ${traffic.loadBalancers.length} are listed: prepare each pair of Services by hand or in its own migration`,
    });
  // The pre-flight sends each route to both gateways' pods: without one, it could never pass.
  if (input.routes.length === 0)
    found.push({
      field: 'routes',
      problem:
        'must list at least one route: the pre-flight sends each to the ASM gateway pods, compared with the Istio gateway, before any traffic moves (e.g. routes: [{host: bookinfo.example.com, path: /productpage, port: 8080}])',
    });
  return found;
}

/** Names the field that made the two Services the same: a per-CLB one, else the target gateway's own. */
function sameService(i: number, lb: Fragment['loadBalancers'][number], service: string): Problem {
  const [field, other] = lb.targetService
    ? [`loadBalancers[${i}].targetService`, lb.sourceService ? `loadBalancers[${i}].sourceService` : 'source.service']
    : lb.sourceService
      ? [`loadBalancers[${i}].sourceService`, 'target.service']
      : ['target.service', 'source.service'];
  return {
    field: `traffic.${field}`,
    problem: `names the same Service as traffic.${other} (${service}): the target gateway must be another Service`,
  };
}

function sameCluster(traffic: Fragment): boolean {
  return traffic.source.kubeContext === traffic.target.kubeContext;
}

function sameLabels(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && b[key] === a[key]);
}

function gateway(ref: Fragment['source']): GatewayRef {
  return { ...ref, workload: ref.workload ?? ref.service };
}

/**
 * A shift's weight annotations, in the router's order: the growing side on every CLB first, then the
 * shrinking side (so no CLB ever has every gateway at 0).
 */
function writes(traffic: ClbTraffic, step: Step, before: SideWeights | null): ResourceWrite[] {
  if (step.kind !== 'shift') return preparationWrites(traffic, step);
  const order = writeOrder(before ?? undefined, step.weights);
  return order.flatMap((side: Side) =>
    traffic.loadBalancers.map((lb) => {
      const gateway = traffic[side];
      const service = side === 'source' ? lb.sourceService : lb.targetService;
      const context = gateway.kubeContext ? ` (context ${gateway.kubeContext})` : '';
      return {
        resource: clbResource(lb.id),
        object: `Service ${gateway.namespace}/${service}${context}`,
        change: `${CLB_ANNOTATIONS.weight}: "${step.weights[side]}"`,
      };
    }),
  );
}

export const clbAnnotationPlan: PlanDriver<typeof clbAnnotationFragment, ClbTraffic> = {
  kind: CLB_ANNOTATION,
  movesWeights: true,
  fragment: clbAnnotationFragment,
  problems,
  traffic: (fragment) => ({
    kind: CLB_ANNOTATION,
    source: gateway(fragment.source),
    target: gateway(fragment.target),
    ...(fragment.prepare && { prepare: clbPreparation(fragment.prepare, gateway(fragment.target)) }),
    loadBalancers: fragment.loadBalancers.map((lb) => ({
      id: lb.id,
      region: lb.region,
      vServerGroups: lb.vServerGroups.map((g) => ({ id: g.id, port: g.port, listenerPort: g.listenerPort ?? g.port })),
      sourceService: lb.sourceService ?? fragment.source.service,
      targetService: lb.targetService ?? fragment.target.service,
    })),
    gatewayNamespaces: fragment.gatewayNamespaces ?? [fragment.source.namespace],
    drain: drainPlan(fragment.drain),
  }),
  steps: (traffic, input) => [...preparationSteps(traffic, input), ...withDrain(phaseSteps(input), traffic.drain)],
  writes,
  locks: (traffic) => traffic.loadBalancers.map((lb) => clbResource(lb.id)),
  restore: () => ({ source: 100, target: 0 }),
  analysisVariables: (traffic) => ({
    workload: traffic.target.workload,
    namespace: traffic.target.namespace,
    sourceWorkload: traffic.source.workload,
    sourceNamespace: traffic.source.namespace,
  }),
  summary: (traffic) =>
    `${traffic.loadBalancers.map((lb) => lb.id).join(', ')}: ${traffic.source.namespace}/${traffic.source.service} → ${traffic.target.namespace}/${traffic.target.service}`,
  details: (traffic) => [
    `Source \`${traffic.source.namespace}/${traffic.source.service}\` → target \`${traffic.target.namespace}/${traffic.target.service}\``,
    `CLBs: ${traffic.loadBalancers.map((lb) => `\`${lb.id}\` (${lb.region})`).join(', ')}`,
  ],
};
