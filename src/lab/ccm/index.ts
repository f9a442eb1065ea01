// The lab's cloud controller manager: it watches Services, pods and nodes and, after a reconcile
// delay, writes each reusing Service's backends into the emulated CLB's vServer groups with the CCM's
// weight arithmetic, in the Service's backend mode (ENI pods, or Cluster / Local nodes); then, as the
// CCM's cleanup, it deletes the groups it created for a Service that now names others in vgroup-port.
// It posts SyncLoadBalancerFailed on a wrong annotation (leaving the backends as they were) or a failed
// cleanup (a listener still forwards to the group: the backends are in place, the deletion is retried
// on each pass), and EnsuredLoadBalancer when it changed something.
import { CoreV1Api, KubeConfig, type V1Node, type V1Pod, type V1Service } from '@kubernetes/client-node';
import { CLB_ANNOTATIONS, clbAnnotation } from '../../plan/annotations.js';
import { type Informer, startInformer } from '../kube/informer.js';
import { errorMessage, type LabLogger, silentLogger } from '../kube/logger.js';
import { startReconcileLoop } from '../kube/reconcile-loop.js';
import { OpenApiError } from '../openapi/errors.js';
import type { SlbState } from '../slb/state.js';
import { ensureCreatedClb } from './created-clb.js';
import { type ServiceEvent, serviceEventRecorder } from './events.js';
import { type CcmPlan, planCcmPass, type ServiceOutcome } from './plan.js';

/** The tag the CCM puts on a CLB it reuses (and then never deletes). */
export const REUSED_TAG = 'kubernetes.reused.by.user';

export interface CcmOptions {
  /** An admin kubeconfig file. */
  kubeconfig: string;
  slb: SlbState;
  /** Written into backend descriptions; backends of other cluster ids are not this CCM's. */
  clusterId: string;
  /**
   * Create a CLB for a LoadBalancer Service without `-id`, as ACK's CCM does (see created-clb.ts), in
   * this region; default: leave such a Service alone.
   */
  createClbsIn?: string;
  /** The backend type of a Service without the backend-type annotation; default `eni` (a Terway cluster). */
  defaultBackendType?: 'eni' | 'ecs';
  /** From a change to the pass that applies it; changes within the delay join the same pass. Default 1 s. */
  reconcileDelayMs?: number;
  /** A pass at least this often, so that failed Services are retried; default 10 s. */
  resyncMs?: number;
  logger?: LabLogger;
}

export interface CcmFaults {
  /** While true the CCM applies nothing; what changed meanwhile is applied once it is false again. */
  stalled: boolean;
}

export interface Ccm {
  faults: CcmFaults;
  /** One pass now, without the delay; does nothing while stalled. */
  reconcileNow(): Promise<void>;
  stop(): Promise<void>;
}

export async function startCcm(options: CcmOptions): Promise<Ccm> {
  const logger = options.logger ?? silentLogger;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(options.kubeconfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const events = serviceEventRecorder(core);
  /** Services whose last pass failed, so that their recovery is reported even when no backend changes. */
  const failing = new Set<string>();
  let stalled = false;
  let services: Informer<V1Service> | undefined;
  let pods: Informer<V1Pod> | undefined;
  let nodes: Informer<V1Node> | undefined;

  const eventFor = ({ key, loadBalancer, changed }: ServiceOutcome, failure?: string): ServiceEvent | undefined => {
    const message = loadBalancer.status === 'invalid' ? loadBalancer.message : failure;
    if (message)
      return {
        type: 'Warning',
        reason: 'SyncLoadBalancerFailed',
        message: `Error syncing load balancer [${loadBalancer.loadBalancerId}]: ${message}`,
      };
    // Only when something changed (or a failure ended): a resync that changes nothing stays quiet.
    if (changed || failing.has(key))
      return { type: 'Normal', reason: 'EnsuredLoadBalancer', message: 'Ensured load balancer' };
    return undefined;
  };

  /** The cleanup: deletes the Service's stale groups; why the first that could not be deleted stays. */
  const cleanUp = (outcome: ServiceOutcome): string | undefined => {
    for (const id of outcome.staleGroups) {
      try {
        options.slb.deleteVServerGroup(id);
        outcome.changed = true;
      } catch (error) {
        return `delete vgroup ${id}: ${error instanceof OpenApiError ? `${error.code}: ` : ''}${errorMessage(error)}`;
      }
    }
    return undefined;
  };

  /** `failures`: the cleanup's, by Service key. */
  const report = async (plan: CcmPlan, failures: Map<string, string | undefined>) => {
    for (const outcome of plan.outcomes) {
      const failure = failures.get(outcome.key);
      const event = eventFor(outcome, failure);
      if (outcome.loadBalancer.status === 'invalid' || failure) failing.add(outcome.key);
      else failing.delete(outcome.key);
      if (!event) continue;
      logger.info(`ccm: ${outcome.key}: ${event.reason}: ${event.message}`);
      try {
        await events.record(outcome.service, event);
      } catch (error) {
        logger.warn(`ccm: event on ${outcome.key}: ${errorMessage(error)}`);
      }
    }
  };

  const loop = startReconcileLoop({
    name: 'ccm',
    delayMs: options.reconcileDelayMs ?? 1_000,
    resyncMs: options.resyncMs ?? 10_000,
    logger,
    pass: async () => {
      if (stalled || !services || !pods || !nodes) return;
      const region = options.createClbsIn;
      if (region)
        for (const service of services.list())
          if (
            service.spec?.type === 'LoadBalancer' &&
            !clbAnnotation(service.metadata?.annotations, CLB_ANNOTATIONS.id)
          )
            ensureCreatedClb(service, options.slb, options.clusterId, region);
      const plan = planCcmPass(
        services.list(),
        {
          pods: pods.list(),
          nodes: nodes.list(),
          clusterId: options.clusterId,
          defaultBackendType: options.defaultBackendType ?? 'eni',
        },
        options.slb,
      );
      for (const change of plan.changes) {
        options.slb.setBackends(change.vServerGroupId, change.backends);
        // The CLB's health check passes for a ready pod (or node) just registered.
        for (const backend of change.added)
          options.slb.setHealth(backend.serverIp ?? backend.serverId, 'normal', backend.port);
      }
      // A CLB reused through `-id` (not one the CCM serves as its own creation) gets the reuse tag.
      for (const { loadBalancer, service } of plan.outcomes)
        if (
          loadBalancer.status === 'valid' &&
          clbAnnotation(service.metadata?.annotations, CLB_ANNOTATIONS.id) &&
          !options.slb.loadBalancers.get(loadBalancer.loadBalancerId)?.tags.has(REUSED_TAG)
        )
          options.slb.setTags(loadBalancer.loadBalancerId, { [REUSED_TAG]: 'true' });
      // After the backends are in place, as the CCM's cleanup runs last.
      const failures = new Map(plan.outcomes.map((outcome) => [outcome.key, cleanUp(outcome)]));
      await report(plan, failures);
    },
  });

  const stop = async () => {
    await Promise.all([services?.stop(), pods?.stop(), nodes?.stop()]);
    await loop.stop();
  };
  try {
    const trigger = () => loop.trigger();
    services = await startInformer<V1Service>({
      kubeConfig,
      path: '/api/v1/services',
      list: () => core.listServiceForAllNamespaces(),
      onChange: trigger,
      logger,
    });
    pods = await startInformer<V1Pod>({
      kubeConfig,
      path: '/api/v1/pods',
      list: () => core.listPodForAllNamespaces(),
      onChange: trigger,
      logger,
    });
    nodes = await startInformer<V1Node>({
      kubeConfig,
      path: '/api/v1/nodes',
      list: () => core.listNode(),
      onChange: trigger,
      logger,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  loop.trigger();

  const faults: CcmFaults = {
    get stalled() {
      return stalled;
    },
    set stalled(value: boolean) {
      stalled = value;
      if (!value) loop.trigger();
    },
  };
  return { faults, reconcileNow: () => loop.runNow(), stop };
}
