// The canary upgrade's pre-flight: the control plane runs the target version (ASM 1.20 or later) and
// the gateway waits for it; the IstioGateway has no canary yet and no Deployment holds the canary's
// name (ASM would not overwrite it); the gateway serves from every CLB; connection draining is on.
import type { ChecklistItem } from '../../../src/api/records.js';
import {
  CANARY_ANNOTATION,
  type CanaryTraffic,
  compareVersions,
  istioGatewayResource,
  MIN_ASM_VERSION,
  type MigrationPlan,
  versionParts,
} from '../../../src/plan/index.js';
import { fail, guarded, pass } from '../../checklist.js';
import { deploymentsSelectedBy } from '../../kube/deployments.js';
import { getObject } from '../../kube/objects.js';
import { istioGatewayRef } from './actions.js';
import { missingBackends, serviceClb } from './clb-backends.js';
import { type CanaryClients, gatewayFullName } from './conditions.js';
import { canaryNames, readGatewayState } from './gateway-state.js';

const CONNECTION_DRAIN = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-connection-drain';
/** A gateway that waits for its upgrade: the control plane is newer. */
const WAITING = new Set(['notStart', 'pending']);

async function versions(clients: CanaryClients, traffic: CanaryTraffic): Promise<ChecklistItem[]> {
  const resource = istioGatewayResource(traffic.gateway);
  const item = 'the control plane runs the target version, and the gateway waits for it';
  return guarded(
    item,
    'start again once the ASM API answers',
    async () => {
      const asm = clients.asm(traffic.mesh.region);
      const name = gatewayFullName(traffic);
      const [control, status] = await Promise.all([
        asm.describeUpgradeVersion(traffic.mesh.id),
        asm.describeUpgradeStatus(traffic.mesh.id, [name]),
      ]);
      const running = versionParts(control.operatorVersion) ?? [];
      if (compareVersions(running, [...MIN_ASM_VERSION]) < 0)
        return fail(
          item,
          `the control plane runs ${control.operatorVersion}: gateway canaries need ASM ${MIN_ASM_VERSION.join('.')} or later`,
          'upgrade the ASM instance first',
          resource,
        );
      if (compareVersions(running, versionParts(traffic.targetVersion) ?? []) !== 0)
        return fail(
          item,
          `the control plane runs ${control.operatorVersion}, the input expects ${traffic.targetVersion}`,
          `set traffic.targetVersion to ${control.operatorVersion}, or upgrade the control plane to ${traffic.targetVersion} first`,
          resource,
        );
      const record = status.gateways[name];
      if (!record)
        return fail(
          item,
          `the ASM instance reports no gateway ${name}`,
          'check traffic.gateway and traffic.mesh.id',
          resource,
        );
      if (!WAITING.has(record.status))
        return fail(
          item,
          `gateway ${name} is ${record.status}${record.version ? ` at ${record.version}` : ''}, not waiting for an upgrade`,
          'nothing to upgrade, or an upgrade is under way: check the ASM console',
          resource,
        );
      return pass(
        item,
        `control plane ${control.operatorVersion}; gateway ${name} at ${record.version ?? 'an older version'}, ${record.status}`,
        resource,
      );
    },
    resource,
    { notFound: `check traffic.mesh.id ("${traffic.mesh.id}") and traffic.mesh.region ("${traffic.mesh.region}")` },
  );
}

async function istioGateway(traffic: CanaryTraffic): Promise<ChecklistItem[]> {
  const resource = istioGatewayResource(traffic.gateway);
  const name = `IstioGateway ${traffic.gateway.namespace}/${traffic.gateway.name}`;
  return guarded(
    `${name} has no canary yet`,
    "start again once the ASM control plane's API server answers",
    async () => {
      const object = await getObject(istioGatewayRef(traffic));
      if (!object)
        return fail(
          `${name} has no canary yet`,
          `${name} does not exist on the ASM control plane`,
          'check traffic.gateway (and the ASM kubeconfig context)',
          resource,
        );
      const items: ChecklistItem[] = [];
      const annotation = object.metadata.annotations?.[CANARY_ANNOTATION];
      items.push(
        annotation === undefined
          ? pass(`${name} has no canary yet`, `no ${CANARY_ANNOTATION} annotation`, resource)
          : fail(
              `${name} has no canary yet`,
              `${CANARY_ANNOTATION} is already "${annotation}": a canary upgrade is under way`,
              'finish or roll back that upgrade first, or remove the annotation',
              resource,
            ),
      );
      const drain = (object.spec?.serviceAnnotations as Record<string, string> | undefined)?.[CONNECTION_DRAIN];
      items.push(
        pass(
          'graceful shutdown (connection drain) is on',
          drain === 'on'
            ? `serviceAnnotations ${CONNECTION_DRAIN}: "on"`
            : `warning: ${CONNECTION_DRAIN} is not "on": connections to a gateway pod may be cut while it is replaced`,
          resource,
        ),
      );
      return items;
    },
    resource,
  );
}

async function canaryNameFree(traffic: CanaryTraffic): Promise<ChecklistItem[]> {
  const resource = istioGatewayResource(traffic.gateway);
  const item = "no Deployment holds the canary's name";
  return guarded(
    item,
    "start again once the cluster's API server answers",
    async () => {
      const names = canaryNames(traffic.gateway.name);
      const taken = (await deploymentsSelectedBy(traffic.gateway.namespace, {}, traffic.kubeContext)).filter(
        (deployment) => names.includes(deployment.name),
      );
      return taken.length === 0
        ? pass(item, `${names.join(' and ')} are free`, resource)
        : fail(
            item,
            `Deployment ${taken.map((deployment) => `${traffic.gateway.namespace}/${deployment.name}`).join(', ')} exists: ASM would not overwrite it`,
            `remove it (kubectl -n ${traffic.gateway.namespace} delete deployment ${taken[0]?.name}) after checking it is not in use`,
            resource,
          );
    },
    resource,
  );
}

async function serving(clients: CanaryClients, traffic: CanaryTraffic): Promise<ChecklistItem[]> {
  const resource = istioGatewayResource(traffic.gateway);
  const item = 'the gateway pods are ready and healthy backends of every CLB';
  return guarded(
    item,
    "start again once the cluster's API server and the SLB API answer",
    async () => {
      const state = await readGatewayState(traffic);
      const ips = state.mainPods.filter((pod) => pod.ready && pod.ip).map((pod) => pod.ip as string);
      if (ips.length === 0)
        return fail(item, 'no gateway pod is ready', 'fix the gateway before upgrading it', resource);
      const client = clients.clb(traffic.mesh.region);
      const problems: string[] = [];
      for (const service of traffic.services) {
        const clb = await serviceClb(client, {
          namespace: traffic.gateway.namespace,
          service,
          context: traffic.kubeContext,
        });
        problems.push(...(await missingBackends(client, clb, ips)));
      }
      return problems.length === 0
        ? pass(item, `${ips.length} pod(s) serve from the CLBs of ${traffic.services.join(', ')}`, resource)
        : fail(item, problems.join('; '), 'check the CCM events on the gateway Services', resource);
    },
    resource,
  );
}

export async function canaryPreflight(
  clients: CanaryClients,
  plan: MigrationPlan & { traffic: CanaryTraffic },
  progress: (items: ChecklistItem[]) => void,
): Promise<ChecklistItem[]> {
  const items: ChecklistItem[] = [];
  for (const check of [
    () => versions(clients, plan.traffic),
    () => istioGateway(plan.traffic),
    () => canaryNameFree(plan.traffic),
    () => serving(clients, plan.traffic),
  ]) {
    items.push(...(await check()));
    progress(items);
  }
  return items;
}
