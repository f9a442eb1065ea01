// What the driver conformance suite needs from each driver's lab: a world in the driver's start state,
// a way to let its data plane catch up, a snapshot of everything the driver may change, and a way to
// leave the world as a worker that crashed in the middle of a write would.
import type { DriverRegistry } from '../../activities/drivers/index.js';
import type { DriverKind, SideWeights, TrafficOf } from '../../src/plan/index.js';

export interface DriverWorld<Traffic> {
  traffic: Traffic;
  drivers: DriverRegistry;
  /** Lets the data plane's controller apply what was written (a CCM round, a proxy reload). */
  settle(): Promise<void>;
  /** Everything the driver may change, as comparable plain data. */
  snapshot(): Promise<unknown>;
  /** What a crashed first attempt at `weights` leaves: the first of its writes done, the others not. */
  interruptWrite(weights: SideWeights): Promise<void>;
  stop(): Promise<void>;
}

export interface DriverLab<K extends DriverKind> {
  kind: K;
  /** Weights the suite moves through, from the start state. */
  phases: SideWeights[];
  start(): Promise<DriverWorld<TrafficOf<K>>>;
}
