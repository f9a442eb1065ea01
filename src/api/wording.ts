// The words the CLI and the Web UI share to describe a migration, so both say the same thing the same
// way: where it is, its state, each step's mark, a value against its threshold.
import type { Comparison } from './records.js';
import { type MigrationState, type MigrationStatus, position, type StepState } from './status.js';

const STATE_WORDS: Partial<Record<MigrationState, string>> = {
  'waiting-approval': 'waiting for approval',
  'rolling-back': 'rolling back',
  preflight: 'pre-flight',
};

/** "waiting for approval", "soaking", "rolled-back" → "rolled back". */
export function stateWords(state: MigrationState): string {
  return STATE_WORDS[state] ?? state.replace('-', ' ');
}

/**
 * The current step with the migration's position: "phase 2 of 4 (half 50/50)", "step 3 of 5 (upgrade
 * the gateway)", or "completion, phase 4 of 4".
 */
export function whereLabel(status: MigrationStatus): string {
  const label = status.steps[status.stepIndex]?.label ?? 'starting';
  const where = position(status);
  const [kind, number] = where.split(' ');
  const numbered = `${kind} ${number} `;
  return label.startsWith(numbered) ? `${where} ${label.slice(numbered.length)}` : `${label}, ${where}`;
}

/** done ✓, running ▶, to come ·, undone ↺, failed ✗ */
export const STEP_MARKS: Record<StepState, string> = {
  done: '✓',
  running: '▶',
  pending: '·',
  undone: '↺',
  failed: '✗',
};

const COMPARISON_SIGNS: Record<Comparison, string> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/** "≤ 0.01": what a sample must be to pass. */
export function threshold(comparison: Comparison, value: number): string {
  return `${COMPARISON_SIGNS[comparison]} ${formatValue(value)}`;
}

/** Four significant digits; missing data says so. */
export function formatValue(value: number | null): string {
  if (value === null) return 'no data';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** "2025-06-01 12:00:00Z" */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}
