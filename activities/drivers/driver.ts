// The traffic-driver seam (after Argo Rollouts' traffic routers): one interface, one small
// implementation per way of splitting traffic (CLB weight annotations today; VirtualService
// weights or a canary gateway later).
import type { AppliedWeights, EffectiveWeights, Topology, WeightsRequest } from '../contracts.js';

export interface TrafficDriver {
  /** Writes the absolute weights of a phase on every CLB, the growing side first, and reads them back. */
  setWeights(request: WeightsRequest): Promise<AppliedWeights>;
  /** Reads the backend weights every CLB applies now and compares them with what `desired` predicts. */
  readEffectiveWeights(topology: Topology, desired: WeightsRequest['weights']): Promise<EffectiveWeights[]>;
  /** What the router itself reported since `since` (ISO time) about failing to apply weights, one line each. */
  routerComplaints(topology: Topology, since: string): Promise<string[]>;
}
