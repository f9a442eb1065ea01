// gateshift's own Prometheus metrics, fed by the workflow through the `metrics` sink. A worker only
// sees the migrations whose tasks it runs, and sinks skip replay: after a restart, a migration shows
// up again at its next state change.
import type { InjectedSinks } from '@temporalio/worker';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { MigrationSinks } from './api/names.js';
import { ACTION_KINDS, MIGRATION_STATES, type MigrationState, ROLLBACK_REASONS } from './api/status.js';

const OUTCOMES = ['accepted', 'refused'] as const;
const SIDES = ['source', 'target'] as const;

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
      for (const state of MIGRATION_STATES) this.set({ state }, counts.get(state) ?? 0);
    },
  });
  const stateOf = new Gauge({
    name: 'gateshift_migration_state',
    help: 'Current state of each migration: 1 for the state it is in, 0 for the others',
    labelNames: ['migration', 'state'],
    registers,
  });
  const waitingSince = new Gauge({
    name: 'gateshift_migration_waiting_since_seconds',
    help: 'Unix time since when each migration waits for a human approval; 0 when it does not',
    labelNames: ['migration'],
    registers,
  });
  const phase = new Gauge({
    name: 'gateshift_migration_phase',
    help: 'Index of the current phase of each migration',
    labelNames: ['migration'],
    registers,
  });
  const desired = new Gauge({
    name: 'gateshift_migration_desired_weight',
    help: 'Weight last written for each side of each migration',
    labelNames: ['migration', 'side'],
    registers,
  });
  const observed = new Gauge({
    name: 'gateshift_migration_weight',
    help: 'Effective share of each side on each resource, as read back from its data plane',
    labelNames: ['migration', 'resource', 'side'],
    registers,
  });
  const analysisValue = new Gauge({
    name: 'gateshift_analysis_value',
    help: 'Last value of each analysis check of each migration (absent without data)',
    labelNames: ['migration', 'check'],
    registers,
  });
  const analysisThreshold = new Gauge({
    name: 'gateshift_analysis_threshold',
    help: 'Threshold of each analysis check of each migration',
    labelNames: ['migration', 'check'],
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
    help: 'Approvals by outcome',
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
  for (const outcome of OUTCOMES) {
    approvals.inc({ outcome }, 0);
    for (const kind of ACTION_KINDS) actions.inc({ kind, outcome }, 0);
  }
  for (const reason of ROLLBACK_REASONS) rollbacks.inc({ reason }, 0);

  const sinks: InjectedSinks<MigrationSinks> = {
    metrics: {
      state: {
        fn(_info, migration, state, phaseIndex, since) {
          latestState.set(migration, state);
          for (const each of MIGRATION_STATES) stateOf.set({ migration, state: each }, each === state ? 1 : 0);
          waitingSince.set({ migration }, since === null ? 0 : since / 1000);
          phase.set({ migration }, phaseIndex);
        },
        callDuringReplay: false,
      },
      desired: {
        fn(_info, migration, source, target) {
          desired.set({ migration, side: 'source' }, source);
          desired.set({ migration, side: 'target' }, target);
        },
        callDuringReplay: false,
      },
      observed: {
        fn(_info, migration, resource, source, target) {
          const shares = { source, target };
          for (const side of SIDES) observed.set({ migration, resource, side }, shares[side]);
        },
        callDuringReplay: false,
      },
      analysis: {
        fn(_info, migration, samples) {
          for (const sample of samples) {
            if (sample.value === null) analysisValue.remove({ migration, check: sample.check });
            else analysisValue.set({ migration, check: sample.check }, sample.value);
            analysisThreshold.set({ migration, check: sample.check }, sample.threshold);
          }
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
