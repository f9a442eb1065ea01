// What `npm run demo` needs from each driver's demo: where the lab starts, the migration to run, how to
// follow it live (injecting the breach scenario's fault), and the report and chart it ends with.
import type { WorkflowHandle } from '@temporalio/client';
import type { MigrationInput } from '../../plan/index.js';
import type { Lab, LabStart } from '../index.js';
import type { LoadRecord } from '../load/index.js';

export type Scenario = 'happy' | 'breach';
export type Outcome = 'completed' | 'rolled-back' | 'failed';

export interface FollowContext {
  handle: WorkflowHandle;
  lab: Lab;
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

export interface DemoDriver<Progress> {
  labStart: LabStart;
  /** What the demo does, for its first line. */
  title: string;
  input(options: { autoApprove: boolean; soakSec: number }): MigrationInput;
  /** Prints a line a second until the migration ends; the breach scenario's fault goes in on the way. */
  follow(context: FollowContext): Promise<Progress>;
  /** Takes the breach scenario's fault out again. */
  clearFaults(lab: Lab): Promise<unknown>;
  end(input: { outcome: Outcome; scenario: Scenario; record: LoadRecord; progress: Progress }): Promise<DemoEnding>;
}
