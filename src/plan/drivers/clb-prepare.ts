// The CLB driver's preparation from a raw cluster (steps 1–3 of the ASM procedure), as action steps
// before the first shift: make the CLB reusable (opt-in), annotate the source Service, wait for its
// backends in the planned vServer groups and move the listeners onto those groups (the CCM refuses to
// reuse the groups it created itself), create the ASM gateway at weight 0, copy the routing to ASM,
// then wait for the full pre-flight (backends healthy, every route answering on the ASM pods as on the
// Istio pods). A rollback leaves all of it in place with the ASM gateway at weight 0 (seed 000: the
// copies then carry no traffic); each action's undo removes only what it created or changed.
import { z } from 'zod';
import { CLB_ANNOTATIONS, formatVgroupPort } from '../annotations.js';
import { parseDuration } from '../duration.js';
import { dns1123Label, duration, type GatewayRef, kubeContext } from '../schema-parts.js';
import type { ActionStep, Step, StepSpec } from '../steps.js';
import type { CommonInput, ResourceWrite } from './driver.js';

export const clbPrepareSchema = z
  .strictObject({
    fixClb: z
      .boolean()
      .default(false)
      .describe(
        'remove the tags that block reuse (UntagResources) and turn modification protection off (SetLoadBalancerModificationProtection); otherwise the pre-flight fails on them with the fix',
      ),
    asmGateway: z
      .strictObject({
        name: dns1123Label
          .optional()
          .describe("the IstioGateway's name; default: target.selector.istio (the label ASM gives its pods)"),
        asmContext: kubeContext
          .optional()
          .describe("kubeconfig context of the ASM control plane; default: the worker's GATESHIFT_ASM_KUBECONTEXT"),
        clusterIds: z.array(z.string().min(1)).min(1).optional().describe('spec.clusterIds, when the mesh needs them'),
      })
      .default({})
      .describe('the ASM ingress gateway to create, in target.namespace'),
    readyTimeout: duration(
      'how long the ASM gateway may take to be healthy backends of every vServer group and answer every route',
    ).default('10m'),
  })
  .describe('prepare a raw cluster (steps 1–3 of the ASM procedure) before the first shift');

export type ClbPrepareFragment = z.output<typeof clbPrepareSchema>;

export interface ClbPreparation {
  fixClb: boolean;
  asmGateway: { name: string; namespace: string; asmContext?: string; clusterIds?: string[] };
  readyTimeoutMs: number;
}

/** The ASM gateway's name: the `istio` label its pods carry, which the copied Gateways select. */
export function asmGatewayName(target: GatewayRef): string {
  return target.selector.istio ?? target.service;
}

/** The gateway the copied Gateways select: the one the preparation creates, else the target's pods' label. */
export function copiedGatewayName(traffic: Pick<PreparedTraffic, 'target' | 'prepare'>): string {
  return traffic.prepare?.asmGateway.name ?? asmGatewayName(traffic.target);
}

export function clbPreparation(fragment: ClbPrepareFragment, target: GatewayRef): ClbPreparation {
  const { asmGateway } = fragment;
  return {
    fixClb: fragment.fixClb,
    asmGateway: {
      name: asmGateway.name ?? asmGatewayName(target),
      namespace: target.namespace,
      ...(asmGateway.asmContext && { asmContext: asmGateway.asmContext }),
      ...(asmGateway.clusterIds && { clusterIds: asmGateway.clusterIds }),
    },
    readyTimeoutMs: parseDuration(fragment.readyTimeout) ?? 0,
  };
}

/** What the preparation needs of the driver's traffic: one CLB, both gateways and the routing namespaces. */
export interface PreparedTraffic {
  source: GatewayRef;
  target: GatewayRef;
  loadBalancers: {
    id: string;
    vServerGroups: { id: string; port: number; listenerPort: number }[];
    sourceService: string;
  }[];
  gatewayNamespaces: string[];
  prepare?: ClbPreparation;
}

export const PREPARE_ACTIONS = {
  fixClb: 'make-clb-reusable',
  annotate: 'annotate-source',
  moveListeners: 'move-listeners',
  gateway: 'create-asm-gateway',
  copy: 'copy-routing',
} as const;

export const PREPARE_UNDO = {
  [PREPARE_ACTIONS.fixClb]: 'restore-clb-reuse-blocks',
  [PREPARE_ACTIONS.annotate]: 'restore-source-annotations',
  [PREPARE_ACTIONS.moveListeners]: 'restore-listener-groups',
  [PREPARE_ACTIONS.gateway]: 'delete-asm-gateway',
  [PREPARE_ACTIONS.copy]: 'remove-routing-copies',
} as const;

/** Before the listeners move: the Istio gateway's pods are healthy backends of every planned group. */
export const SOURCE_REGISTERED_CONDITION = 'source-registered';

/** The step that moves each listener to its planned vServer group, as the pre-flight names it. */
export const MOVE_LISTENERS_STEP = 'move the listeners to the planned vServer groups';

/** The condition the preparation ends with: the whole pre-flight passes. */
export const PREPARED_CONDITION = 'prepared';

/** The four annotations the source Service gets (step 1), weight 100. */
export function sourceAnnotations(lb: PreparedTraffic['loadBalancers'][number]): Record<string, string> {
  return {
    [CLB_ANNOTATIONS.id]: lb.id,
    [CLB_ANNOTATIONS.forceOverrideListeners]: 'false',
    [CLB_ANNOTATIONS.vgroupPort]: formatVgroupPort(lb.vServerGroups),
    [CLB_ANNOTATIONS.weight]: '100',
  };
}

/** What each preparation action writes, for the preview and the approver, by action name. */
function actionWrites(traffic: PreparedTraffic, prepare: ClbPreparation): Record<string, ResourceWrite[]> {
  const [lb] = traffic.loadBalancers;
  if (!lb) return {};
  const clb = `clb/${lb.id}`;
  const { source, target } = traffic;
  const context = (ref: GatewayRef) => (ref.kubeContext ? ` (context ${ref.kubeContext})` : '');
  const gateway = prepare.asmGateway;
  const asm = gateway.asmContext ? ` (context ${gateway.asmContext})` : ' (ASM control plane)';
  const annotations = sourceAnnotations(lb);
  return {
    [PREPARE_ACTIONS.fixClb]: [
      { resource: clb, object: `CLB ${lb.id}`, change: 'SetLoadBalancerModificationProtection NonProtection' },
      { resource: clb, object: `CLB ${lb.id}`, change: 'UntagResources kubernetes.do.not.delete, ack.aliyun.com' },
    ],
    [PREPARE_ACTIONS.annotate]: Object.entries(annotations).map(([key, value]) => ({
      resource: clb,
      object: `Service ${source.namespace}/${lb.sourceService}${context(source)}`,
      change: `+ ${key}: "${value}"`,
    })),
    [PREPARE_ACTIONS.moveListeners]: lb.vServerGroups.map((group) => ({
      resource: clb,
      object: `CLB ${lb.id} listener ${group.listenerPort}`,
      change: `VServerGroupId → ${group.id} (Set…ListenerAttribute VServerGroup=on), when it forwards to another group`,
    })),
    [PREPARE_ACTIONS.gateway]: [
      {
        resource: clb,
        object: `IstioGateway ${gateway.namespace}/${gateway.name}${asm}`,
        change: `+ ports and targetPorts of Service ${source.namespace}/${lb.sourceService}, serviceAnnotations as above with ${CLB_ANNOTATIONS.weight}: "0"`,
      },
    ],
    [PREPARE_ACTIONS.copy]: [
      {
        resource: clb,
        object: `Gateway, VirtualService, DestinationRule in ${traffic.gatewayNamespaces.join(', ')}${asm}`,
        change: `+ copies from the source cluster${context(target)}, Gateway spec.selector.istio: ${gateway.name} (server-side apply after a dry run)`,
      },
    ],
  };
}

export function preparationWrites(traffic: PreparedTraffic, step: Step): ResourceWrite[] {
  if (step.kind !== 'action' || !traffic.prepare) return [];
  return actionWrites(traffic, traffic.prepare)[step.action] ?? [];
}

export function preparationSteps(traffic: PreparedTraffic, input: CommonInput): StepSpec[] {
  const { prepare } = traffic;
  if (!prepare) return [];
  const writing = actionWrites(traffic, prepare);
  const action = (name: string, act: keyof typeof PREPARE_UNDO): Omit<ActionStep, 'index'> => ({
    kind: 'action',
    name,
    action: act,
    args: {},
    preview: (writing[act] ?? []).map((write) => `${write.object}: ${write.change}`).join('\n'),
    undo: { action: PREPARE_UNDO[act], args: {} },
    // A rollback puts the ASM gateway at weight 0: what the preparation made then carries no traffic.
    undoOnRollback: false,
    irreversible: false,
    approval: input.approval,
  });
  return [
    ...(prepare.fixClb ? [action('make the CLB reusable', PREPARE_ACTIONS.fixClb)] : []),
    action('annotate the source Service', PREPARE_ACTIONS.annotate),
    // The CCM fills the planned groups once the Service names them; only then may a listener move there.
    // Meanwhile its cleanup fails to delete its own groups, which the listeners still use (RspoolVipExist),
    // and it posts a Warning on the source Service each pass: expected, so this wait and the checks after
    // it read backends, health and listeners, not the CCM's events; the move, right after, ends it.
    {
      kind: 'await',
      name: 'Istio gateway registered and healthy in every planned vServer group',
      condition: SOURCE_REGISTERED_CONDITION,
      args: {},
      timeoutMs: prepare.readyTimeoutMs,
    },
    action(MOVE_LISTENERS_STEP, PREPARE_ACTIONS.moveListeners),
    action('create the ASM gateway at weight 0', PREPARE_ACTIONS.gateway),
    action('copy the routing to ASM', PREPARE_ACTIONS.copy),
    {
      kind: 'await',
      name: 'ASM gateway registered, healthy and answering every route',
      condition: PREPARED_CONDITION,
      args: { routes: input.routes },
      timeoutMs: prepare.readyTimeoutMs,
    },
  ];
}
