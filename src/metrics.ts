// gateshift's own Prometheus metrics, fed by the workflow through the `metrics` sink. A worker only
// sees the migrations whose tasks it runs, and sinks skip replay: after a restart, a migration shows
// up again at its next state change.
import type { InjectedSinks } from '@temporalio/worker';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MigrationSinks } from '../workflows/definitions.js';
import type { ActionKind, MigrationState } from '../workflows/status.js';

type RollbackReason = Parameters<MigrationSinks['metrics']['rollback']>[0];
type Outcome = Parameters<MigrationSinks['metrics']['action']>[1];

// Records rather than arrays so that the compiler flags a state, kind or reason added to the types.
const STATES: Record<MigrationState, true> = {
  starting: true,
  preflight: true,
  'waiting-approval': true,
  applying: true,
  verifying: true,
  soaking: true,
  paused: true,
  'rolling-back': true,
  completed: true,
  'rolled-back': true,
  failed: true,
};
const KINDS: Record<ActionKind, true> = { approve: true, pause: true, resume: true, rollback: true };
const OUTCOMES: Record<Outcome, true> = { accepted: true, refused: true };
const REASONS: Record<RollbackReason, true> = {
  manual: true,
  breach: true,
  verification: true,
  failure: true,
  cancelled: true,
};

export interface Metrics {
  registry: Registry;
  sinks: InjectedSinks<MigrationSinks>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const latestState = new Map<string, MigrationState>();
  new Gauge({
    name: 'gateshift_migrations',
    help: 'Migrations seen by this worker, by their latest state',
    labelNames: ['state'],
    registers,
    collect() {
      const counts = new Map<MigrationState, number>();
      for (const state of latestState.values()) counts.set(state, (counts.get(state) ?? 0) + 1);
      for (const state of Object.keys(STATES) as MigrationState[]) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  const phase = new Gauge({
    name: 'gateshift_migration_phase',
    help: 'Index of the current phase of each migration',
    labelNames: ['migration'],
    registers,
  });
  const weight = new Gauge({
    name: 'gateshift_migration_weight',
    help: 'Effective weight of each side on each CLB, as read back from the CLB',
    labelNames: ['migration', 'clb', 'side'],
    registers,
  });
  const actions = new Counter({
    name: 'gateshift_actions_total',
    help: 'Human actions on migrations (approve, pause, resume, rollback) by outcome',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const approvals = new Counter({
    name: 'gateshift_approvals_total',
    help: 'Phase approvals by outcome',
    labelNames: ['outcome'],
    registers,
  });
  const rollbacks = new Counter({
    name: 'gateshift_rollbacks_total',
    help: 'Rollbacks started, by reason',
    labelNames: ['reason'],
    registers,
  });
  // Zero series from the start, so that rate() and increase() see the first event.
  for (const outcome of Object.keys(OUTCOMES) as Outcome[]) {
    approvals.inc({ outcome }, 0);
    for (const kind of Object.keys(KINDS)) actions.inc({ kind, outcome }, 0);
  }
  for (const reason of Object.keys(REASONS)) rollbacks.inc({ reason }, 0);

  const sinks: InjectedSinks<MigrationSinks> = {
    metrics: {
      state: {
        fn(_info, migrationId, state, phaseIndex) {
          latestState.set(migrationId, state);
          phase.set({ migration: migrationId }, phaseIndex);
        },
        callDuringReplay: false,
      },
      weights: {
        fn(_info, migrationId, clb, source, target) {
          weight.set({ migration: migrationId, clb, side: 'source' }, source);
          weight.set({ migration: migrationId, clb, side: 'target' }, target);
        },
        callDuringReplay: false,
      },
      action: {
        fn(_info, kind, outcome) {
          actions.inc({ kind, outcome });
          if (kind === 'approve') approvals.inc({ outcome });
        },
        callDuringReplay: false,
      },
      rollback: {
        fn(_info, reason) {
          rollbacks.inc({ reason });
        },
        callDuringReplay: false,
      },
    },
  };
  return { registry, sinks };
}
