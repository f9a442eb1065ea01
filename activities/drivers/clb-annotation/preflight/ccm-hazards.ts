// What makes a weight written on a Service silently not reach the CLB: a listener whose scheduler does
// not spread by weight, `ignore-weight-update: "on"`, a weight the CCM cannot parse (it then drops the
// Service's backends from the reused groups, with no Event), and annotations under the legacy
// `alicloud-` prefix, which the CCM reads only where the `alibaba-cloud-` key is absent.
import type { V1Service } from '@kubernetes/client-node';
import type { ChecklistItem } from '../../../../src/api/records.js';
import {
  ANNOTATION_PREFIX,
  CLB_ANNOTATIONS,
  ccmAcceptsWeight,
  clbAnnotation,
  IGNORE_WEIGHT_UPDATE_ANNOTATION,
  LEGACY_ANNOTATION_PREFIX,
  legacyKey,
} from '../../../../src/plan/annotations.js';
import { clbResource, type PlannedLoadBalancer } from '../../../../src/plan/index.js';
import { fail, guarded, pass, warn } from '../../../checklist.js';
import type { ClbClient } from '../../../clb/client.js';
import type { ClbListenerScheduling } from '../../../clb/models.js';
import { readService, type ServiceRef } from '../../../kube/service.js';
import type { ClbFields, Side } from './fields.js';

const AGAIN = 'start again once the API answers';

/** What the CLB documents for each scheduler: wrr and wlc weigh backends; rr takes turns; the hashes follow the client. */
const SCHEDULERS: Record<string, { weighs: boolean; says: string }> = {
  wrr: { weighs: true, says: 'weighted round robin' },
  wlc: { weighs: true, says: 'weighted least connections' },
  rr: { weighs: false, says: 'round robin: backends take turns, whatever their weight' },
  sch: { weighs: false, says: 'consistent hashing of the source IP: a client stays on its backend' },
  tch: { weighs: false, says: 'consistent hashing of the four-tuple: a connection follows its hash' },
  qch: { weighs: false, says: 'consistent hashing of the QUIC connection id' },
};

const listenerName = (listener: ClbListenerScheduling) => `${listener.protocol}:${listener.port}`;

function schedulerFix(lb: PlannedLoadBalancer, listeners: ClbListenerScheduling[]): string {
  const calls = listeners.map(
    (listener) =>
      `SetLoadBalancer${listener.protocol.toUpperCase()}ListenerAttribute LoadBalancerId=${lb.id} ListenerPort=${listener.port} Scheduler=wrr`,
  );
  return `set the scheduling algorithm of ${listeners.map(listenerName).join(', ')} to weighted round robin (wrr) in the CLB console or with ${calls.join('; ')}`;
}

export async function listenersWeighBackends(
  client: ClbClient,
  lb: PlannedLoadBalancer,
  fields: ClbFields,
): Promise<ChecklistItem[]> {
  const item = 'every listener spreads connections by backend weight';
  return guarded(
    item,
    AGAIN,
    async () => {
      // The listener list names no CLB that does not exist; the attribute read says so.
      const [, listeners] = await Promise.all([client.describeLoadBalancer(lb.id), client.describeListeners(lb.id)]);
      const planned = new Set(lb.vServerGroups.map((group) => group.id));
      // Only the listeners whose traffic moves: those served by a group of the plan.
      const moving = listeners.filter(
        (listener) => listener.vServerGroupId === undefined || planned.has(listener.vServerGroupId),
      );
      const odd = moving.filter((listener) => !SCHEDULERS[listener.scheduler]?.weighs);
      const turns = odd.filter((listener) => listener.scheduler === 'rr' || !SCHEDULERS[listener.scheduler]);
      const hashes = odd.filter((listener) => !turns.includes(listener));
      const says = (listener: ClbListenerScheduling) =>
        `listener ${listenerName(listener)} uses ${listener.scheduler} (${SCHEDULERS[listener.scheduler]?.says ?? 'a scheduler the CLB does not document'})`;
      if (turns.length > 0)
        return fail(
          item,
          `${turns.map(says).join('; ')}: the backend weights the CCM writes do not change its split, so every phase would be a no-op reported as done`,
          schedulerFix(lb, odd),
          clbResource(lb.id),
        );
      if (hashes.length > 0)
        return warn(
          item,
          `${hashes.map(says).join('; ')}: the CLB does not document that hashing weighs backends, so the shares follow the clients, not the phases' weights (weight 0 still takes a backend out)`,
          schedulerFix(lb, hashes),
          clbResource(lb.id),
        );
      return pass(
        item,
        `${moving.map((listener) => `${listenerName(listener)} ${listener.scheduler}`).join(', ') || 'no listener'}`,
        clbResource(lb.id),
      );
    },
    clbResource(lb.id),
    {
      notFound: `check ${fields.id} ("${lb.id}") and ${fields.region} ("${lb.region}") in the input: no such CLB in that region`,
    },
  );
}

export interface ServicePair {
  refs: Record<Side, ServiceRef>;
  fields: ClbFields;
}

const name = (ref: ServiceRef) => `${ref.namespace}/${ref.service}`;

interface ReadService {
  side: Side;
  ref: ServiceRef;
  service: V1Service;
}

function readPair(pair: ServicePair): Promise<ReadService[]> {
  const sides: Side[] = ['source', 'target'];
  return Promise.all(
    sides.map(async (side) => ({ side, ref: pair.refs[side], service: await readService(pair.refs[side]) })),
  );
}

function notFound(pair: ServicePair) {
  return {
    notFound: `check ${pair.fields.service.source} and ${pair.fields.service.target} in the input: one of ${name(pair.refs.source)}, ${name(pair.refs.target)} does not exist`,
  };
}

export async function weightUpdatesOn(pair: ServicePair): Promise<ChecklistItem[]> {
  const item = 'neither Service turns off weight updates';
  return guarded(
    item,
    AGAIN,
    async () => {
      const off = (await readPair(pair)).filter(
        ({ service }) =>
          clbAnnotation(service.metadata?.annotations, IGNORE_WEIGHT_UPDATE_ANNOTATION)?.toLowerCase() === 'on',
      );
      if (off.length === 0) return pass(item, `no ${IGNORE_WEIGHT_UPDATE_ANNOTATION}: "on"`);
      return fail(
        item,
        `${off.map(({ side, ref }) => `the ${side} Service ${name(ref)}`).join(' and ')} carries ${IGNORE_WEIGHT_UPDATE_ANNOTATION}: "on": the CCM would never change its backend weights, whatever the weight annotation says`,
        off
          .map(
            ({ ref, service }) =>
              `kubectl -n ${ref.namespace} annotate service ${ref.service} ${[
                IGNORE_WEIGHT_UPDATE_ANNOTATION,
                legacyKey(IGNORE_WEIGHT_UPDATE_ANNOTATION),
              ]
                .filter((key) => service.metadata?.annotations?.[key] !== undefined)
                .map((key) => `${key}-`)
                .join(' ')}`,
          )
          .join('; '),
      );
    },
    undefined,
    notFound(pair),
  );
}

export async function weightsParse(pair: ServicePair): Promise<ChecklistItem[]> {
  const item = 'both weight annotations are integers 0–100';
  return guarded(
    item,
    AGAIN,
    async () => {
      const wrong = (await readPair(pair)).flatMap(({ side, ref, service }) => {
        const value = clbAnnotation(service.metadata?.annotations, CLB_ANNOTATIONS.weight);
        return value === undefined || ccmAcceptsWeight(value) ? [] : [{ side, ref, value }];
      });
      if (wrong.length === 0) return pass(item, 'the CCM accepts both');
      return fail(
        item,
        `${wrong.map(({ side, ref, value }) => `the ${side} Service ${name(ref)} has weight "${value}"`).join('; ')}: the CCM takes only an integer 0–100; with anything else it drops the Service from its model of the vServer groups and removes every backend of the Service from them, with no Event`,
        wrong
          .map(
            ({ side, ref }) =>
              `kubectl -n ${ref.namespace} annotate service ${ref.service} --overwrite ${CLB_ANNOTATIONS.weight}="${side === 'source' ? 100 : 0}"`,
          )
          .join('; '),
      );
    },
    undefined,
    notFound(pair),
  );
}

export async function currentPrefix(pair: ServicePair): Promise<ChecklistItem[]> {
  const item = 'the CLB annotations use the alibaba-cloud- prefix';
  return guarded(
    item,
    AGAIN,
    async () => {
      const notes: string[] = [];
      const removals: string[] = [];
      for (const { side, ref, service } of await readPair(pair)) {
        const annotations = service.metadata?.annotations ?? {};
        const legacy = Object.keys(annotations).filter((key) => key.startsWith(LEGACY_ANNOTATION_PREFIX));
        if (legacy.length === 0) continue;
        const explained = legacy.map((key) => {
          const current = ANNOTATION_PREFIX + key.slice(LEGACY_ANNOTATION_PREFIX.length);
          const value = annotations[key];
          if (annotations[current] === undefined) return `${key}: "${value}" (read, as ${current} is absent)`;
          if (annotations[current] === value) return `${key}: "${value}" (the same as ${current})`;
          return `${key}: "${value}" (ignored: ${current} is "${annotations[current]}" and wins)`;
        });
        notes.push(`the ${side} Service ${name(ref)} carries the legacy ${explained.join(', ')}`);
        const moves = legacy
          .filter((key) => annotations[ANNOTATION_PREFIX + key.slice(LEGACY_ANNOTATION_PREFIX.length)] === undefined)
          .map((key) => `${ANNOTATION_PREFIX}${key.slice(LEGACY_ANNOTATION_PREFIX.length)}="${annotations[key]}"`);
        removals.push(
          `kubectl -n ${ref.namespace} annotate service ${ref.service} ${[...moves, ...legacy.map((key) => `${key}-`)].join(' ')}`,
        );
      }
      if (notes.length === 0) return pass(item, `no ${LEGACY_ANNOTATION_PREFIX}* annotation`);
      return warn(
        item,
        `${notes.join('; ')}. The CCM reads both prefixes and the alibaba-cloud- key wins where both are set; gateshift reads the same way and writes the weight under the alibaba-cloud- key`,
        `to keep one value per setting, move them to the alibaba-cloud- keys: ${removals.join('; ')}`,
      );
    },
    undefined,
    notFound(pair),
  );
}
