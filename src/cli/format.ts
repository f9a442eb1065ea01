// Pure rendering the CLI's commands share: times, shares, aligned columns, refusals, how a migration ended.
import type { MigrationResult } from '../api/status.js';
import { formatTime } from '../api/wording.js';
import type { SideWeights } from '../plan/index.js';

export function formatShares(weights: SideWeights): string {
  return `${weights.source}/${weights.target}`;
}

/** Left-aligned columns, two spaces apart; trailing blanks trimmed. */
export function table(rows: string[][], indent = '  '): string[] {
  const widths = rows.reduce<number[]>((max, row) => row.map((cell, i) => Math.max(max[i] ?? 0, cell.length)), []);
  return rows.map((row) => `${indent}${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd());
}

/** A labelled line of a status header: "  state     soaking". */
export function field(label: string, value: string): string {
  return `  ${label.padEnd(10)}${value}`;
}

/** `refused: <why>`; the validator's own "<kind> refused: " prefix is not repeated. */
export function formatRefusal(validatorMessage: string): string {
  return `refused: ${validatorMessage.replace(/^[\w-]+ refused: /, '')}`;
}

/** One line on how a migration ended. */
export function formatResult(result: MigrationResult): string {
  // A plan that moves weights counts in phases; one that does not, in steps.
  const moved = result.finalWeights !== null;
  const weights = result.finalWeights ? `weights ${formatShares(result.finalWeights)}` : 'no weights';
  const reached = moved ? `phase ${result.phaseReached}` : `step ${result.stepReached}`;
  if (result.outcome === 'completed') return `completed at ${reached}, ${weights}`;
  const rollback = result.rollback;
  if (!rollback) return `rolled back after ${reached}, ${weights}`;
  const from = moved ? `phase ${rollback.fromPhase}` : `step ${rollback.fromStep}`;
  return `rolled back by ${rollback.by} at ${formatTime(rollback.at)} from ${rollback.fromState} in ${from}: ${rollback.reason}; ${weights}`;
}
