// Where the input names what a pre-flight item is about, so that advice points at the field to correct
// (the input first: it is the one thing gateshift's user certainly owns).
import type { ClbTraffic } from '../../../../src/plan/index.js';

export type Side = 'source' | 'target';

export interface ClbFields {
  id: string;
  region: string;
  vServerGroups: string;
  service: Record<Side, string>;
}

export function clbFields(traffic: ClbTraffic, index: number): ClbFields {
  const lb = `traffic.loadBalancers[${index}]`;
  const planned = traffic.loadBalancers[index];
  // A per-CLB Service that equals the gateway's own came from the default (or repeats it).
  const service = (side: Side) =>
    planned?.[`${side}Service`] === traffic[side].service ? `traffic.${side}.service` : `${lb}.${side}Service`;
  return {
    id: `${lb}.id`,
    region: `${lb}.region`,
    vServerGroups: `${lb}.vServerGroups`,
    service: { source: service('source'), target: service('target') },
  };
}
