// What the driver conformance suite needs from each driver's lab: a world in the driver's start state
// with the plan the driver made for it, a way to let its controllers catch up, a snapshot of everything
// the driver may change, and, for a driver that moves weights, the phases to move through and a way to
// leave the world as a worker that crashed in the middle of a write would.
import type { DriverRegistry } from '../../activities/drivers/index.js';
import type { DriverKind, MigrationPlan, SideWeights, TrafficOf } from '../../src/plan/index.js';

export interface DriverWorld<Traffic> {
  plan: MigrationPlan & { traffic: Traffic };
  drivers: DriverRegistry;
  /** Lets the data plane's controllers apply what was written (a CCM round, ASM's reconcile). */
  settle(): Promise<void>;
  /** Everything the driver may change, as comparable plain data. */
  snapshot(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface WeightLab {
  /** Weights the suite moves through, from the start state. */
  phases: SideWeights[];
  /** What a crashed first attempt at `weights` leaves: the first of its writes done, the others not. */
  interruptWrite(weights: SideWeights): Promise<void>;
}

export interface DriverLab<K extends DriverKind> {
  kind: K;
  /** The actions with an undo the lab's plan holds, each run, repeated and undone by the suite. */
  actionsWithUndo: string[];
  start(): Promise<DriverWorld<TrafficOf<K>> & Partial<WeightLab>>;
}
