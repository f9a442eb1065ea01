// The ASM gateway canary upgrade's pure half (ASM's "Canary upgrade an ASM gateway"): annotate the
// IstioGateway so ASM starts a one-pod canary of the control plane's version behind the gateway's
// Service, wait for it, soak it with analysis scoped to it, upgrade the gateway through the ASM API
// (no way back from there), wait for every pod to run the new version, then remove the annotation and
// wait for the canary to go. A rollback before the upgrade removes the annotation.
import { z } from 'zod';
import type { CheckSubjects } from '../checks.js';
import { parseDuration } from '../duration.js';
import { dns1123Label, duration, kubeContext, serviceName } from '../schema-parts.js';
import type { ActionStep, Step, StepSpec } from '../steps.js';
import type { CommonInput, PlanDriver, Problem, ResourceWrite } from './driver.js';

export const ASM_GATEWAY_CANARY = 'asm-gateway-canary';

/** The IstioGateway annotation that makes ASM deploy the canary. */
export const CANARY_ANNOTATION = 'asm.alibabacloud.com/enable-canary-deployment';

/** The label ASM's canary Deployment (and its pods) carry. */
export const CANARY_LABEL = 'asm.alibabacloud.com/canary';

/** The first ASM version with gateway canary deployments. */
export const MIN_ASM_VERSION = [1, 20] as const;

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:\.(\d+))?(?:-[\w.-]+)?$/;

/** [major, minor, patch, build] of `1.22.6.29` or `v1.22.6.29-g4712daf0-aliyun`; undefined when not a version. */
export function versionParts(version: string): number[] | undefined {
  const match = VERSION.exec(version.trim());
  return match ? match.slice(1).map((part) => Number(part ?? 0)) : undefined;
}

/** Negative, zero or positive as `a` is older than, the same as or newer than `b`. */
export function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

const meshId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{7,63}$/, 'must be an ASM instance id such as "c08ba3fd1e6484b0f8cc1ad8fe10d1234"');

export const asmGatewayCanaryFragment = z
  .strictObject({
    kind: z.literal(ASM_GATEWAY_CANARY),
    mesh: z
      .strictObject({
        id: meshId.describe('ASM instance id'),
        region: z
          .string()
          .regex(/^[a-z]{2,3}-[a-z0-9-]+$/, 'must be a region id such as "cn-hangzhou"')
          .describe('region of the ASM instance'),
      })
      .describe('the ASM instance that manages the gateway'),
    gateway: z
      .strictObject({
        namespace: dns1123Label.default('istio-system').describe('namespace of the IstioGateway'),
        name: dns1123Label.describe('name of the IstioGateway on the ASM control plane, e.g. "ingressgateway"'),
        asmContext: kubeContext
          .optional()
          .describe("kubeconfig context of the ASM control plane; default: the worker's GATESHIFT_ASM_KUBECONTEXT"),
      })
      .describe('the ASM ingress gateway to upgrade'),
    services: z
      .array(serviceName)
      .min(1)
      .optional()
      .describe('the gateway Services in front of it (their CLBs get the canary); default: istio-<gateway name>'),
    kubeContext: kubeContext
      .optional()
      .describe("kubeconfig context of the data-plane cluster; default: the worker's current one"),
    targetVersion: z
      .string()
      .refine(
        (value) => versionParts(value) !== undefined,
        'must be an ASM version such as "v1.22.6.29-g4712daf0-aliyun"',
      )
      .describe('the version the control plane runs, which the gateway is upgraded to (ExpectedVersion)'),
    canarySoak: duration('how long the canary serves with analysis running before the upgrade').default('30m'),
    canaryReadyTimeout: duration('how long the canary may take to be ready and a healthy CLB backend').default('10m'),
    upgradeTimeout: duration('how long the upgrade of every gateway pod may take').default('30m'),
    removalTimeout: duration('how long ASM may take to delete the canary after the annotation goes').default('10m'),
  })
  .describe('canary-upgrade an ASM ingress gateway');

type Fragment = z.output<typeof asmGatewayCanaryFragment>;

export interface CanaryTraffic {
  kind: typeof ASM_GATEWAY_CANARY;
  mesh: { id: string; region: string };
  gateway: { namespace: string; name: string; asmContext?: string };
  /** Data-plane Services of the gateway. */
  services: string[];
  kubeContext?: string;
  targetVersion: string;
  timeoutsMs: { canarySoak: number; canaryReady: number; upgrade: number; removal: number };
}

export const istioGatewayResource = (gateway: { namespace: string; name: string }) =>
  `istiogateway/${gateway.namespace}/${gateway.name}`;

/** ASM's Deployment of a gateway: `istio-<name>`; the canary's is `<that>-canary` (or `<name>-canary`). */
export const gatewayDeployment = (name: string) => `istio-${name}`;

function problems(fragment: Fragment): Problem[] {
  const version = versionParts(fragment.targetVersion);
  if (version && compareVersions(version, [...MIN_ASM_VERSION]) < 0)
    return [
      {
        field: 'traffic.targetVersion',
        problem: `gateway canary deployments need ASM ${MIN_ASM_VERSION.join('.')} or later`,
      },
    ];
  return [];
}

const toMs = (value: string) => parseDuration(value) ?? 0;

/** What each action of the plan writes, on the IstioGateway or through the ASM API. */
function actionWrites(traffic: CanaryTraffic): Record<string, Omit<ResourceWrite, 'resource'>> {
  const gateway = `${traffic.gateway.namespace}/${traffic.gateway.name}`;
  const istioGateway = `IstioGateway ${gateway}`;
  return {
    'annotate-canary': { object: istioGateway, change: `+ ${CANARY_ANNOTATION}: "true"` },
    'upgrade-gateway': {
      object: `ASM API (${traffic.mesh.region})`,
      change: `UpgradeMeshEditionPartially ServiceMeshId=${traffic.mesh.id} UpgradeGatewayRecords=${traffic.gateway.namespace}:${traffic.gateway.name} ExpectedVersion=${traffic.targetVersion} ASMGatewayContinue=true, PreCheck=true first, then PreCheck=false`,
    },
    'remove-canary-annotation': { object: istioGateway, change: `- ${CANARY_ANNOTATION}` },
  };
}

function writes(traffic: CanaryTraffic, step: Step): ResourceWrite[] {
  const write = step.kind === 'action' ? actionWrites(traffic)[step.action] : undefined;
  return write ? [{ resource: istioGatewayResource(traffic.gateway), ...write }] : [];
}

function steps(traffic: CanaryTraffic, input: CommonInput): StepSpec[] {
  const times = traffic.timeoutsMs;
  const writing = actionWrites(traffic);
  const action = (name: string, act: string): Omit<ActionStep, 'index'> => ({
    kind: 'action',
    name,
    action: act,
    args: {},
    preview: `${writing[act]?.object}: ${writing[act]?.change}`,
    undoOnRollback: false,
    irreversible: false,
    approval: input.approval,
  });
  return [
    {
      ...action('deploy the canary', 'annotate-canary'),
      // The undo removes the annotation and waits until ASM has deleted the canary.
      undo: { action: 'remove-canary', args: {} },
      undoOnRollback: true,
    },
    {
      kind: 'await',
      name: 'canary ready and serving',
      condition: 'canary-ready',
      args: {},
      timeoutMs: times.canaryReady,
    },
    { kind: 'soak', name: 'canary soak', soakMs: times.canarySoak },
    { ...action('upgrade the gateway', 'upgrade-gateway'), irreversible: true },
    {
      kind: 'await',
      name: 'every gateway pod upgraded',
      condition: 'gateway-upgraded',
      args: {},
      timeoutMs: times.upgrade,
      watch: true,
    },
    { ...action('remove the canary', 'remove-canary-annotation'), approval: 'auto' },
    {
      kind: 'await',
      name: 'canary gone',
      condition: 'canary-removed',
      args: {},
      timeoutMs: times.removal,
    },
    { kind: 'gate', name: 'completion' },
  ];
}

/** `(istio-)?<name>`: the gateway's Deployment as Istio's source_workload, under either ASM naming. */
function checkSubjects(traffic: CanaryTraffic): CheckSubjects {
  const namespace = `reporter="source",source_workload_namespace="${traffic.gateway.namespace}"`;
  return {
    target: `${namespace},source_workload=~"(istio-)?${traffic.gateway.name}-canary"`,
    source: `${namespace},source_workload=~"(istio-)?${traffic.gateway.name}"`,
    name: 'canary',
    alwaysCompare: true,
  };
}

export const asmGatewayCanaryPlan: PlanDriver<typeof asmGatewayCanaryFragment, CanaryTraffic> = {
  kind: ASM_GATEWAY_CANARY,
  movesWeights: false,
  fragment: asmGatewayCanaryFragment,
  problems,
  traffic: (fragment) => ({
    kind: ASM_GATEWAY_CANARY,
    mesh: fragment.mesh,
    gateway: fragment.gateway,
    services: fragment.services ?? [gatewayDeployment(fragment.gateway.name)],
    kubeContext: fragment.kubeContext,
    targetVersion: fragment.targetVersion,
    timeoutsMs: {
      canarySoak: toMs(fragment.canarySoak),
      canaryReady: toMs(fragment.canaryReadyTimeout),
      upgrade: toMs(fragment.upgradeTimeout),
      removal: toMs(fragment.removalTimeout),
    },
  }),
  steps,
  writes,
  locks: (traffic) => [istioGatewayResource(traffic.gateway)],
  restore: () => null,
  analysisVariables: (traffic) => ({
    workload: `${gatewayDeployment(traffic.gateway.name)}-canary`,
    namespace: traffic.gateway.namespace,
    sourceWorkload: gatewayDeployment(traffic.gateway.name),
    sourceNamespace: traffic.gateway.namespace,
  }),
  checkSubjects,
  summary: (traffic) =>
    `canary upgrade of ASM gateway ${traffic.gateway.namespace}/${traffic.gateway.name} to ${traffic.targetVersion}`,
  details: (traffic) => [
    `ASM instance \`${traffic.mesh.id}\` (${traffic.mesh.region}), IstioGateway \`${traffic.gateway.namespace}/${traffic.gateway.name}\``,
    `Services: ${traffic.services.map((service) => `\`${service}\``).join(', ')}; target version \`${traffic.targetVersion}\``,
  ],
};
