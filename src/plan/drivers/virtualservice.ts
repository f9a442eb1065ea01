// The canary-cluster driver's pure half (the AKS/ASM "canary cluster migration"): a ServiceEntry in the
// source cluster names the target cluster's ingress; the moved routes of the source ingress
// VirtualService get that name as a second destination at weight 0, and each phase writes both
// weights of every moved route. A rollback writes 100/0; the preparation's undo removes what it added.
import { z } from 'zod';
import type { CheckSubjects } from '../checks.js';
import { dns1123Label, dns1123Subdomain, kubeContext, labelSelector, serviceName } from '../schema-parts.js';
import type { ActionStep, Step, StepSpec } from '../steps.js';
import type { CommonInput, PlanDriver, Problem, ResourceWrite } from './driver.js';
import { phaseSteps } from './phases.js';

export const VIRTUALSERVICE = 'virtualservice';

/** The label on what gateshift created; its undo (and the delete guard in deploy/rbac) go by it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'gateshift';

/**
 * Where the worker asks istiod what each gateway pod's Envoy applies (its debug port, as `istioctl
 * proxy-status` does): the istiod pods of an `istioctl install` (`app: istiod` in `istio-system`, 15014).
 */
export const ISTIOD_DEFAULTS = { namespace: 'istio-system', selector: { app: 'istiod' }, port: 15014 };

const port = z.number().int().min(1).max(65535);
const hostName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a host name such as "productpage" or "v2.example.com" (lower case)',
  );
const ipv4 = z.ipv4({ error: 'must be an IPv4 address such as "20.61.10.5"' });

export const virtualServiceFragment = z
  .strictObject({
    kind: z.literal(VIRTUALSERVICE),
    kubeContext: kubeContext
      .optional()
      .describe("kubeconfig context of the source cluster; default: the worker's current context"),
    virtualService: z
      .strictObject({
        namespace: dns1123Label.describe('namespace of the VirtualService'),
        name: dns1123Subdomain.describe('name of the VirtualService bound to the source ingress gateway'),
      })
      .describe('the source ingress VirtualService whose routes move'),
    httpRoutes: z
      .array(z.union([z.string().min(1), z.number().int().min(0)]))
      .min(1)
      .optional()
      .describe('the HTTP routes that move, by name or index; default: every route whose destination is local.host'),
    local: z
      .strictObject({
        host: hostName.describe('the destination host in the source cluster, as the route names it'),
        port: port.describe('its port'),
      })
      .describe('the destination traffic leaves'),
    remote: z
      .strictObject({
        host: hostName.describe('the ServiceEntry host that names the target ingress, e.g. "v2.example.com"'),
        port: port.default(80).describe('the target ingress port'),
        address: ipv4.optional().describe('the target ingress address; or give service'),
        service: z
          .strictObject({
            kubeContext: kubeContext.describe('kubeconfig context of the target cluster'),
            namespace: dns1123Label,
            name: serviceName,
          })
          .optional()
          .describe('the target ingress Service, whose load balancer address is read (status.loadBalancer)'),
        serviceEntry: dns1123Subdomain
          .optional()
          .describe(
            'name of the ServiceEntry in the VirtualService namespace; default: gateshift-<host, dots as dashes>',
          ),
      })
      .describe('the destination traffic moves to: the target cluster ingress'),
    gateway: z
      .strictObject({
        namespace: dns1123Label.describe('namespace of the source ingress gateway pods'),
        selector: labelSelector,
        workload: dns1123Subdomain.describe('the gateway Deployment: source_workload in Istio metrics'),
      })
      .describe('the source ingress gateway pods whose Envoy must apply the weights'),
    istiod: z
      .strictObject({
        namespace: dns1123Label.default(ISTIOD_DEFAULTS.namespace).describe('namespace of the istiod pods'),
        selector: labelSelector
          .default(ISTIOD_DEFAULTS.selector)
          .describe('pod labels of istiod, e.g. {"app": "istiod", "istio.io/rev": "1-22"}; every replica is asked'),
        port: port.default(ISTIOD_DEFAULTS.port).describe("istiod's debug port (debug/syncz, debug/config_dump)"),
        url: z
          .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as "http://127.0.0.1:15014"' })
          .optional()
          .describe(
            'one istiod debug address instead of its pods, e.g. http://127.0.0.1:15014 through kubectl port-forward',
          ),
      })
      .prefault({})
      .describe("the source cluster's istiod, which shows what each gateway pod's Envoy applies and has ACKed"),
  })
  .describe('shift between two clusters by the weights of a VirtualService route');

type Fragment = z.output<typeof virtualServiceFragment>;

export interface VirtualServiceTraffic {
  kind: typeof VIRTUALSERVICE;
  kubeContext?: string;
  virtualService: { namespace: string; name: string };
  /** Names or indexes; absent: every route whose destination is the local host. */
  httpRoutes?: (string | number)[];
  local: { host: string; port: number };
  remote: {
    host: string;
    port: number;
    address?: string;
    service?: { kubeContext: string; namespace: string; name: string };
    serviceEntry: string;
  };
  gateway: { namespace: string; selector: Record<string, string>; workload: string };
  istiod: { namespace: string; selector: Record<string, string>; port: number; url?: string };
}

export const virtualServiceResource = (traffic: Pick<VirtualServiceTraffic, 'virtualService' | 'kubeContext'>) =>
  `virtualservice/${traffic.kubeContext ? `${traffic.kubeContext}/` : ''}${traffic.virtualService.namespace}/${traffic.virtualService.name}`;

/** Istio's destination_service of a route host: a short name is a Service of the route's namespace. */
export function qualifiedHost(host: string, namespace: string): string {
  return host.includes('.') ? host : `${host}.${namespace}.svc.cluster.local`;
}

function problems(fragment: Fragment, input: CommonInput): Problem[] {
  const found: Problem[] = [];
  const { remote, local } = fragment;
  if ((remote.address === undefined) === (remote.service === undefined))
    found.push({
      field: 'traffic.remote.address',
      problem:
        remote.address === undefined
          ? 'give the target ingress address, or traffic.remote.service to read it from'
          : 'give either address or service, not both',
    });
  if (remote.host === local.host)
    found.push({
      field: 'traffic.remote.host',
      problem: `is the local host too (${local.host}): name the other cluster`,
    });
  fragment.httpRoutes?.forEach((route, i) => {
    if (fragment.httpRoutes?.indexOf(route) !== i)
      found.push({ field: `traffic.httpRoutes[${i}]`, problem: `lists ${JSON.stringify(route)} twice` });
  });
  // Istio refuses a route whose destination weights do not sum to 100.
  input.phases.forEach((phase, i) => {
    if (phase.sourceWeight + phase.targetWeight !== 100)
      found.push({
        field: `phases[${i}]`,
        problem: `weights ${phase.sourceWeight}/${phase.targetWeight} must sum to 100: Istio requires it of a route's destinations`,
      });
  });
  if (input.routes.length === 0)
    found.push({
      field: 'routes',
      problem:
        'must list at least one route: the pre-flight sends each to the target ingress with its Host header before any traffic moves (e.g. routes: [{host: bookinfo.example.com, path: /productpage, port: 80}])',
    });
  return found;
}

function movedRoutes(traffic: VirtualServiceTraffic): string {
  return traffic.httpRoutes
    ? `routes ${traffic.httpRoutes.map((route) => JSON.stringify(route)).join(', ')}`
    : `every route to ${traffic.local.host}`;
}

/** What each preparation action writes, for its approver and for the preview. */
function actionWrites(traffic: VirtualServiceTraffic): Record<string, Omit<ResourceWrite, 'resource'>> {
  const { remote, virtualService } = traffic;
  const endpoint = remote.address ?? `the address of Service ${remote.service?.namespace}/${remote.service?.name}`;
  return {
    'ensure-service-entry': {
      object: `ServiceEntry ${virtualService.namespace}/${remote.serviceEntry}`,
      change: `${remote.host}:${remote.port} → ${endpoint} (MESH_EXTERNAL, STATIC)`,
    },
    'add-remote-destination': {
      object: `VirtualService ${virtualService.namespace}/${virtualService.name}`,
      change: `+ destination ${remote.host}:${remote.port} weight 0 on ${movedRoutes(traffic)}`,
    },
  };
}

function writes(traffic: VirtualServiceTraffic, step: Step): ResourceWrite[] {
  const resource = virtualServiceResource(traffic);
  if (step.kind === 'shift') {
    const { local, remote, virtualService } = traffic;
    return [
      {
        resource,
        object: `VirtualService ${virtualService.namespace}/${virtualService.name}`,
        change: `${movedRoutes(traffic)}: ${local.host} weight ${step.weights.source}, ${remote.host} weight ${step.weights.target}`,
      },
    ];
  }
  const write = step.kind === 'action' ? actionWrites(traffic)[step.action] : undefined;
  return write ? [{ resource, ...write }] : [];
}

function preparation(traffic: VirtualServiceTraffic, input: CommonInput): Omit<ActionStep, 'index'>[] {
  const writing = actionWrites(traffic);
  const action = (name: string, act: string, undo: string): Omit<ActionStep, 'index'> => ({
    kind: 'action',
    name,
    action: act,
    args: {},
    undo: { action: undo, args: {} },
    preview: `${writing[act]?.object}: ${writing[act]?.change}`,
    undoOnRollback: true,
    irreversible: false,
    approval: input.approval,
  });
  return [
    action('ServiceEntry for the target ingress', 'ensure-service-entry', 'remove-service-entry'),
    action('remote destination at weight 0', 'add-remote-destination', 'remove-remote-destination'),
  ];
}

function steps(traffic: VirtualServiceTraffic, input: CommonInput): StepSpec[] {
  return [...preparation(traffic, input), ...phaseSteps(input)];
}

/** The gateway's requests to the remote destination against those to the local one. */
function checkSubjects(traffic: VirtualServiceTraffic): CheckSubjects {
  const gateway = `reporter="source",source_workload="${traffic.gateway.workload}",source_workload_namespace="${traffic.gateway.namespace}"`;
  const local = qualifiedHost(traffic.local.host, traffic.virtualService.namespace);
  return {
    target: `${gateway},destination_service="${traffic.remote.host}"`,
    source: `${gateway},destination_service="${local}"`,
    name: 'remote',
    alwaysCompare: true,
    alwaysCompareLatency: true,
  };
}

export const virtualServicePlan: PlanDriver<typeof virtualServiceFragment, VirtualServiceTraffic> = {
  kind: VIRTUALSERVICE,
  movesWeights: true,
  fragment: virtualServiceFragment,
  problems,
  traffic: (fragment) => ({
    kind: VIRTUALSERVICE,
    kubeContext: fragment.kubeContext,
    virtualService: fragment.virtualService,
    httpRoutes: fragment.httpRoutes,
    local: fragment.local,
    remote: {
      host: fragment.remote.host,
      port: fragment.remote.port,
      address: fragment.remote.address,
      service: fragment.remote.service,
      serviceEntry: fragment.remote.serviceEntry ?? `gateshift-${fragment.remote.host.replaceAll('.', '-')}`,
    },
    gateway: fragment.gateway,
    istiod: fragment.istiod,
  }),
  steps,
  writes,
  locks: (traffic) => [virtualServiceResource(traffic)],
  restore: () => ({ source: 100, target: 0 }),
  analysisVariables: (traffic) => ({
    workload: traffic.gateway.workload,
    namespace: traffic.gateway.namespace,
    sourceWorkload: traffic.gateway.workload,
    sourceNamespace: traffic.gateway.namespace,
  }),
  checkSubjects,
  summary: (traffic) =>
    `VirtualService ${traffic.virtualService.namespace}/${traffic.virtualService.name}: ${traffic.local.host} → ${traffic.remote.host}`,
  details: (traffic) => [
    `VirtualService \`${traffic.virtualService.namespace}/${traffic.virtualService.name}\`${traffic.kubeContext ? ` in \`${traffic.kubeContext}\`` : ''}: \`${traffic.local.host}:${traffic.local.port}\` → \`${traffic.remote.host}:${traffic.remote.port}\``,
    `Target ingress: ${traffic.remote.address ? `\`${traffic.remote.address}\`` : `Service \`${traffic.remote.service?.namespace}/${traffic.remote.service?.name}\` in \`${traffic.remote.service?.kubeContext}\``}; ServiceEntry \`${traffic.remote.serviceEntry}\``,
  ],
};
