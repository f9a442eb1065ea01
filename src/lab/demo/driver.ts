// What `npm run demo` needs from each driver's demo: where the lab starts, the migration to run, how to
// follow it live (injecting the breach scenario's fault), and the report and chart it ends with.
import type { WorkflowHandle } from '@temporalio/client';
import type { MigrationInput } from '../../plan/index.js';
import type { Lab } from '../index.js';
import type { Load, LoadRecord } from '../load/index.js';

export type Scenario = 'happy' | 'breach';
export type Outcome = 'completed' | 'rolled-back' | 'failed';

/** What the demo runner needs of a demo's lab: the worker's environment, the load, a way to stop it. */
export interface DemoLab {
  workerEnv: Record<string, string>;
  load?: Load;
  stop(): Promise<void>;
}

export interface FollowContext<L extends DemoLab> {
  handle: WorkflowHandle;
  lab: L;
  scenario: Scenario;
  autoApprove: boolean;
  uiUrl?: string;
  print(line: string): void;
}

export interface DemoEnding {
  report: { result: Outcome };
  chart: string;
  /** The summary printed at the end, one line each. */
  summary: string[];
}

export interface DemoDriver<Progress, L extends DemoLab = Lab> {
  /** What the demo does, for its first line. */
  title: string;
  /** `prepared`: start where the procedure's preparation is done already (a driver that prepares starts raw). */
  startLab(options: { rps: number; prepared: boolean; log: (line: string) => void }): Promise<L>;
  input(options: { autoApprove: boolean; soakSec: number; prepared: boolean }): MigrationInput;
  /** Prints a line a second until the migration ends; the breach scenario's fault goes in on the way. */
  follow(context: FollowContext<L>): Promise<Progress>;
  /** Takes the breach scenario's fault out again. */
  clearFaults(lab: L): Promise<unknown>;
  end(input: { outcome: Outcome; scenario: Scenario; record: LoadRecord; progress: Progress }): Promise<DemoEnding>;
}
