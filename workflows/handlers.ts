// The human controls, as signals (fire and forget: a refusal is recorded) and as updates (a refusal is
// the caller's error), and the status query. Every handler delegates to the run.
import { setHandler } from '@temporalio/workflow';
import { FAILURE, failure } from '../src/api/failures.js';
import {
  approveAllSignal,
  approveAllUpdate,
  approveSignal,
  approveUpdate,
  type ControlAnswer,
  type ControlInput,
  pauseSignal,
  pauseUpdate,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  skipSoakSignal,
  skipSoakUpdate,
  statusQuery,
} from '../src/api/names.js';
import { refusal } from '../src/plan/controls.js';
import { applyControl, controlView } from './controls.js';
import type { MigrationRun } from './run.js';

const CONTROLS = [
  [approveSignal, approveUpdate, 'approve'],
  [pauseSignal, pauseUpdate, 'pause'],
  [resumeSignal, resumeUpdate, 'resume'],
  [rollbackSignal, rollbackUpdate, 'rollback'],
  [skipSoakSignal, skipSoakUpdate, 'skip-soak'],
  [approveAllSignal, approveAllUpdate, 'approve-all'],
] as const;

export function listenToControls(run: MigrationRun): void {
  for (const [signal, update, kind] of CONTROLS) {
    setHandler(signal, (input: ControlInput) => {
      applyControl(run, kind, input, 'signal');
    });
    setHandler(
      update,
      (input: ControlInput): ControlAnswer => {
        // Two controls in one workflow task pass their validators against the same state: the handler,
        // which runs after the first one changed it, has the last word.
        const answer = applyControl(run, kind, input, 'update');
        if (!answer.accepted) throw failure(FAILURE.controlRefused, answer.message);
        return { accepted: true, message: answer.message };
      },
      {
        validator: (input: ControlInput) => {
          const refused = refusal(kind, input, controlView(run));
          if (refused) throw new Error(refused);
        },
      },
    );
  }
  setHandler(statusQuery, () => run.snapshot());
}
