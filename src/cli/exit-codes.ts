// How the gateshift command ends: one code per outcome, so that scripts tell them apart.
import type { StatusView } from './view.js';

export const EXIT = {
  /** Done: the command did what was asked; a migration is running or completed. */
  ok: 0,
  /** Refused, or the migration failed (pre-flight, lock, input), was terminated, timed out or cancelled. */
  failed: 1,
  /** Bad usage or a bad input file: nothing was started. */
  usage: 2,
  /** The migration rolled back (by a human, a breach or a failure): traffic is back at the start state. */
  rolledBack: 3,
} as const;

/** The code a migration's state says: rolled back 3, failed 1, running or completed 0. */
export function exitCodeOf(view: StatusView): number {
  if (view.result) return view.result.outcome === 'rolled-back' ? EXIT.rolledBack : EXIT.ok;
  if (view.status?.state === 'rolled-back') return EXIT.rolledBack;
  if (view.status?.state === 'failed') return EXIT.failed;
  return view.execution.status === 'RUNNING' || view.execution.status === 'COMPLETED' ? EXIT.ok : EXIT.failed;
}
