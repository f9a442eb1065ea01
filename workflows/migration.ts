// The phased migration: pre-flight → for each phase: gate → apply weights → verify on every CLB →
// soak with analysis → next; rollback to 100/0 from any state. Deterministic: all I/O is in activities.

import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  type ChildWorkflowHandle,
  condition,
  isCancellation,
  ParentClosePolicy,
  proxySinks,
  setCurrentDetails,
  setHandler,
  startChild,
  TimeoutFailure,
  upsertSearchAttributes,
  WorkflowIdReusePolicy,
  workflowInfo,
} from '@temporalio/workflow';
import type { AnalysisBreach, AnalysisSummary, EffectiveWeights, WeightsRequest } from '../activities/contracts.js';
import { formatDuration } from '../src/plan/duration.js';
import { buildPlan, InputError, type MigrationInput, type MigrationPlan } from '../src/plan/plan.js';
import type { SideWeights } from '../src/plan/weights.js';
import { migrationActivities } from './activities.js';
import { type ControlInput, type ControlView, refusal } from './controls.js';
import {
  type ApproveInput,
  approveSignal,
  approveUpdate,
  type ControlAnswer,
  leaseWorkflowId,
  type MigrationSinks,
  type PauseInput,
  pauseSignal,
  pauseUpdate,
  type RollbackInput,
  releaseLeaseSignal,
  resumeSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  SEARCH_ATTRIBUTES,
  statusQuery,
} from './definitions.js';
import { clbLease } from './lease.js';
import { renderDetails } from './render.js';
import type { ActionKind, MigrationResult, MigrationState, MigrationStatus, RecordedAction } from './status.js';

const { metrics } = proxySinks<MigrationSinks>();
const ROLLBACK_WEIGHTS: SideWeights = { source: 100, target: 0 };
const ROLLBACK_VERIFY_ATTEMPTS = 3;

// In the workflow sandbox Date is the deterministic workflow clock (the time of the current task).
const now = () => Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

type RollbackKind = 'manual' | 'breach' | 'verification' | 'failure' | 'cancelled';
interface RollbackRequest {
  by: string;
  reason: string;
  kind: RollbackKind;
  at: number;
  fromState: MigrationState;
  fromPhase: number;
}

/** Thrown inside the forward path to leave it for the rollback. */
class RollbackNow extends Error {}

function validate(raw: MigrationInput): MigrationPlan {
  try {
    return buildPlan(raw);
  } catch (error) {
    if (error instanceof InputError) {
      throw ApplicationFailure.create({
        message: error.message,
        type: 'InvalidInput',
        nonRetryable: true,
        details: [{ field: error.field, problem: error.problem, others: error.others }],
      });
    }
    throw error;
  }
}

export async function migration(raw: MigrationInput): Promise<MigrationResult> {
  const plan = validate(raw);
  const migrationId = workflowInfo().workflowId;
  const acts = migrationActivities(plan);
  const phaseLabel = (index: number) => {
    const phase = plan.phases[index];
    if (!phase) return `phase ${index}`;
    const weights = `${phase.sourceWeight}/${phase.targetWeight}`;
    return `phase ${index} (${phase.name === weights ? weights : `${phase.name} ${weights}`})`;
  };

  const status: MigrationStatus = {
    migrationId,
    title: plan.title,
    state: 'starting',
    phaseIndex: 0,
    phaseCount: plan.phases.length,
    phaseName: plan.phases[0]?.name ?? '',
    desired: { ...ROLLBACK_WEIGHTS },
    effective: [],
    soak: null,
    waitingFor: null,
    preflight: null,
    analysis: null,
    breaches: [],
    actions: [],
    writes: [],
    startedAt: iso(now()),
    updatedAt: iso(now()),
  };
  let stage: MigrationState = 'starting';
  let paused: { by: string; reason: string } | undefined;
  let gateFor: number | null = null;
  let approval: ApproveInput | undefined;
  let rollback: RollbackRequest | undefined;
  let weightsWritten = false;
  let soakEndsAt: number | undefined;
  let soakRemaining = 0;
  let lastVerdict: AnalysisSummary['verdict'] | 'skipped' = 'skipped';
  const forward = new CancellationScope();

  const soakLeft = () => (soakEndsAt !== undefined && !paused ? Math.max(0, soakEndsAt - now()) : soakRemaining);
  const view = (): ControlView => ({
    stage,
    paused,
    gateFor,
    phaseCount: plan.phases.length,
    phaseIndex: status.phaseIndex,
    phaseLabel,
    soakRemainingMs: soakLeft(),
  });

  let published = { state: '', phase: -1 };
  function publish(): void {
    status.state = paused && stage !== 'rolling-back' && !isFinished(stage) ? 'paused' : stage;
    status.pausedFrom = status.state === 'paused' ? stage : undefined;
    status.phaseName = plan.phases[status.phaseIndex]?.name ?? '';
    status.updatedAt = iso(now());
    if (status.soak)
      status.soak = {
        ...status.soak,
        remainingMs: soakLeft(),
        endsAt: paused || soakEndsAt === undefined ? undefined : iso(soakEndsAt),
      };
    if (published.state !== status.state || published.phase !== status.phaseIndex) {
      upsertSearchAttributes([
        { key: SEARCH_ATTRIBUTES.state, value: status.state },
        { key: SEARCH_ATTRIBUTES.phase, value: status.phaseIndex },
      ]);
      metrics.state(migrationId, status.state, status.phaseIndex);
      published = { state: status.state, phase: status.phaseIndex };
    }
    setCurrentDetails(renderDetails(status, phaseLabel));
  }
  function enter(next: MigrationState, waitingFor: string | null = null): void {
    stage = next;
    status.waitingFor = waitingFor;
    publish();
  }

  function record(kind: ActionKind, input: ControlInput, via: RecordedAction['via'], refused?: string): void {
    const reason = 'reason' in input ? input.reason : 'comment' in input ? input.comment : undefined;
    status.actions.push({
      kind,
      by: input.by,
      at: iso(now()),
      phase: kind === 'approve' && gateFor !== null ? gateFor : status.phaseIndex,
      state: status.state,
      reason,
      via,
      outcome: refused ? 'refused' : 'accepted',
      refusal: refused,
    });
    metrics.action(kind, refused ? 'refused' : 'accepted');
  }

  function requestRollback(by: string, reason: string, kind: RollbackKind): void {
    if (rollback) return;
    rollback = { by, reason, kind, at: now(), fromState: status.state, fromPhase: status.phaseIndex };
    forward.cancel();
  }

  function accept(kind: ActionKind, input: ControlInput): string {
    switch (kind) {
      case 'approve': {
        approval = input as ApproveInput;
        const target = gateFor !== null && gateFor >= plan.phases.length ? 'completion' : phaseLabel(gateFor ?? 0);
        return `approved ${target} by ${input.by}`;
      }
      case 'pause': {
        const where =
          stage === 'soaking'
            ? `${phaseLabel(status.phaseIndex)}; soak clock stopped with ${formatDuration(soakLeft())} left`
            : `at ${stage}`;
        paused = { by: input.by, reason: (input as PauseInput).reason };
        return `paused ${where}`;
      }
      case 'resume':
        paused = undefined;
        return `resumed ${stage}`;
      case 'rollback':
        requestRollback(input.by, (input as RollbackInput).reason, 'manual');
        return `rolling back to 100/0 (requested by ${input.by})`;
    }
  }

  function control(kind: ActionKind, input: ControlInput, via: 'signal' | 'update'): string | undefined {
    const refused = refusal(kind, input, view());
    record(kind, input, via, refused);
    if (refused) {
      publish();
      return undefined;
    }
    const message = accept(kind, input);
    publish();
    return message;
  }

  const handlers = [
    [approveSignal, approveUpdate, 'approve'],
    [pauseSignal, pauseUpdate, 'pause'],
    [resumeSignal, resumeUpdate, 'resume'],
    [rollbackSignal, rollbackUpdate, 'rollback'],
  ] as const;
  for (const [signal, update, kind] of handlers) {
    setHandler(signal, (input: ControlInput) => {
      control(kind, input, 'signal');
    });
    setHandler(
      update,
      (input: ControlInput): ControlAnswer => ({ accepted: true, message: control(kind, input, 'update') ?? '' }),
      {
        validator: (input: ControlInput) => {
          const refused = refusal(kind, input, view());
          if (refused) throw new Error(refused);
        },
      },
    );
  }
  setHandler(statusQuery, () => ({
    ...status,
    soak: status.soak ? { ...status.soak, remainingMs: soakLeft() } : null,
  }));

  upsertSearchAttributes([{ key: SEARCH_ATTRIBUTES.clbIds, value: plan.loadBalancers.map((lb) => lb.id) }]);
  publish();

  const request = (weights: SideWeights, purpose: WeightsRequest['purpose']): WeightsRequest => ({
    migrationId,
    topology: { driver: plan.driver, source: plan.source, target: plan.target, loadBalancers: plan.loadBalancers },
    weights,
    purpose,
    phaseIndex: status.phaseIndex,
  });

  async function writeWeights(weights: SideWeights, purpose: WeightsRequest['purpose']): Promise<void> {
    weightsWritten = true;
    const applied = await acts.applyWeights(request(weights, purpose));
    const at = iso(now());
    status.writes.push(...applied.writes.map((write) => ({ ...write, at, purpose, phase: status.phaseIndex })));
    status.desired = { ...weights };
  }

  function noteEffective(effective: EffectiveWeights[]): void {
    status.effective = effective;
    for (const lb of effective)
      metrics.weights(migrationId, lb.loadBalancerId, lb.effective.source, lb.effective.target);
  }

  /** Records what gateshift did on its own, in the same log as the humans' actions. */
  function recordAutomatic(kind: 'rollback' | 'pause', reason: string): void {
    status.actions.push({
      kind,
      by: 'gateshift',
      at: iso(now()),
      phase: status.phaseIndex,
      state: status.state,
      reason,
      via: 'analysis',
      outcome: 'accepted',
    });
  }

  /** Handles a breach (or a CLB that did not converge) as the plan says: roll back or pause. */
  async function onBreach(breach: AnalysisBreach, kind: 'breach' | 'verification'): Promise<void> {
    status.breaches.push(breach);
    if (plan.analysis.onBreach === 'rollback') {
      recordAutomatic('rollback', breach.message);
      requestRollback('gateshift', breach.message, kind);
      throw new RollbackNow();
    }
    if (!paused) {
      paused = { by: 'gateshift', reason: breach.message };
      recordAutomatic('pause', breach.message);
    }
    publish();
    await condition(() => !paused);
  }

  async function holdWhilePaused(): Promise<void> {
    if (paused) await condition(() => !paused);
  }

  const leases: ChildWorkflowHandle<typeof clbLease>[] = [];
  async function acquireLeases(): Promise<void> {
    for (const lb of plan.loadBalancers) {
      try {
        // Outside the cancellable scope: cancelling the migration rolls back first, holding its CLBs.
        const lease = await CancellationScope.nonCancellable(() =>
          startChild(clbLease, {
            workflowId: leaseWorkflowId(lb.id),
            args: [{ holder: migrationId, loadBalancerId: lb.id }],
            parentClosePolicy: ParentClosePolicy.TERMINATE,
            workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          }),
        );
        leases.push(lease);
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        // Give back what this migration took, so that a retry of these CLBs is not refused because of it.
        await releaseLeases();
        const holder = await acts.describeLeaseHolder(lb.id);
        throw ApplicationFailure.create({
          message: `CLB ${lb.id} is held by running migration ${holder ?? '(unknown)'}: wait for it to end or roll it back before starting another`,
          type: 'ClbHeld',
          nonRetryable: true,
          details: [{ loadBalancerId: lb.id, holder }],
        });
      }
    }
  }

  /** Ends the leases and waits until they are closed, so a new migration of these CLBs can start at once. */
  async function releaseLeases(): Promise<void> {
    await Promise.all(
      leases.map(async (lease) => {
        await lease.signal(releaseLeaseSignal);
        await lease.result();
      }),
    );
  }

  async function runPreflight(): Promise<void> {
    enter('preflight');
    const report = await acts.preflight({ migrationId, plan });
    status.preflight = report.items;
    publish();
    if (!report.ok) {
      const failed = report.items.filter((item) => !item.ok);
      throw ApplicationFailure.create({
        message: `pre-flight failed, no weight was changed: ${failed.map((item) => `${item.item}: ${item.why}`).join('; ')}`,
        type: 'PreflightFailed',
        nonRetryable: true,
        details: [report],
      });
    }
  }

  /** Waits for a human when the step sends more traffic to the target, or when auto-advance is held. */
  async function gate(index: number): Promise<void> {
    const phase = plan.phases[index];
    const growsTarget = phase ? phase.targetWeight > status.desired.target : false;
    const analysisPassed = lastVerdict === 'pass' || lastVerdict === 'skipped';
    const manual = phase ? phase.approval === 'manual' : false;
    if (!(phase === undefined ? !analysisPassed : growsTarget && (manual || !analysisPassed))) {
      await holdWhilePaused();
      return;
    }
    gateFor = index;
    approval = undefined;
    const subject = phase ? phaseLabel(index) : 'completion';
    const held = analysisPassed ? '' : ` (auto-advance held: the last analysis verdict was ${lastVerdict})`;
    enter('waiting-approval', `approval of ${subject}${held}`);
    await condition(() => approval !== undefined && !paused);
    gateFor = null;
  }

  async function verify(purposeWeights: SideWeights): Promise<void> {
    for (;;) {
      enter('verifying');
      const result = await acts.verifyWeights({ ...request(purposeWeights, 'phase'), timeoutMs: plan.verifyTimeoutMs });
      noteEffective(result.loadBalancers);
      if (result.ok) return;
      const message = `the CLB did not reach the expected weights of ${phaseLabel(status.phaseIndex)} within ${formatDuration(plan.verifyTimeoutMs)}: ${
        result.message ??
        result.loadBalancers
          .map((lb) => lb.diff)
          .filter(Boolean)
          .join('; ')
      }`;
      await onBreach(
        {
          check: 'effective-weights',
          value: null,
          threshold: 0,
          pass: 'agrees',
          consecutive: 1,
          at: iso(now()),
          message,
        },
        'verification',
      );
    }
  }

  /** Starts the analysis of a phase in its own scope, so the soak can stop it without stopping itself. */
  function startAnalysis(index: number) {
    const scope = new CancellationScope();
    let summary: AnalysisSummary | undefined;
    let failure: unknown;
    let ended = false;
    let stopping = false;
    status.analysis = { phase: index, verdict: 'running', evaluations: 0, samples: [], updatedAt: iso(now()) };
    const done = scope
      .run(() =>
        acts.analyze({
          migrationId,
          phaseIndex: index,
          analysis: plan.analysis,
          source: plan.source,
          target: plan.target,
        }),
      )
      .then(
        (result) => {
          summary = result;
        },
        (error: unknown) => {
          summary = summaryOfStopped(error);
          // An attempt lost with its worker while being stopped is not a breach: it ended without a verdict.
          if (!summary && stopping) summary = { verdict: 'no-data', evaluations: 0, samples: [] };
          if (!summary) failure = error;
        },
      )
      .finally(() => {
        ended = true;
      });
    return {
      ended: () => ended,
      async stop(): Promise<void> {
        stopping = true;
        if (!ended) scope.cancel();
        await done;
      },
      breach: (): AnalysisBreach | undefined => {
        if (summary?.verdict === 'breach')
          return summary.breach ?? breachOf(`the analysis reported a breach without details`);
        return failure === undefined ? undefined : breachOf(`the analysis failed: ${errorMessage(failure)}`);
      },
      summary: () => summary,
    };
  }

  function breachOf(message: string): AnalysisBreach {
    return { check: 'analysis', value: null, threshold: 0, pass: 'runs', consecutive: 1, at: iso(now()), message };
  }

  /**
   * Soaks a phase with analysis running; pause stops the soak clock, not the analysis. An analysis
   * that ends before the soak without a breach has given its verdict: the soak finishes on its timer.
   */
  async function soak(index: number): Promise<void> {
    const phase = plan.phases[index];
    if (!phase || phase.soakMs <= 0) {
      lastVerdict = 'skipped';
      return;
    }
    soakRemaining = phase.soakMs;
    status.soak = { totalMs: phase.soakMs, remainingMs: soakRemaining };
    let verdict: AnalysisSummary | undefined;
    while (soakRemaining > 0) {
      const analysis = verdict ? undefined : startAnalysis(index);
      const analysisEnded = () => analysis?.ended() ?? false;
      while (soakRemaining > 0 && !analysisEnded()) {
        if (paused) {
          soakEndsAt = undefined;
          enter('soaking');
          await condition(() => !paused || analysisEnded());
          continue;
        }
        const started = now();
        soakEndsAt = started + soakRemaining;
        enter('soaking');
        const interrupted = await condition(() => Boolean(paused) || analysisEnded(), soakRemaining);
        soakRemaining = interrupted ? Math.max(0, soakRemaining - (now() - started)) : 0;
      }
      soakEndsAt = undefined;
      if (!analysis) break;
      await analysis.stop();
      showAnalysis(index, analysis.summary());
      const breach = analysis.breach();
      if (breach) {
        await onBreach(breach, 'breach');
        continue;
      }
      verdict = analysis.summary() ?? { verdict: 'no-data', evaluations: 0, samples: [] };
    }
    lastVerdict = verdict?.verdict ?? 'no-data';
    status.soak = null;
  }

  function showAnalysis(index: number, summary: AnalysisSummary | undefined): void {
    status.analysis = {
      phase: index,
      verdict: summary?.verdict ?? 'no-data',
      evaluations: summary?.evaluations ?? 0,
      samples: summary?.samples ?? [],
      updatedAt: iso(now()),
    };
  }

  async function forwardPath(): Promise<void> {
    await runPreflight();
    for (let index = 0; index < plan.phases.length; index++) {
      const phase = plan.phases[index] as MigrationPlan['phases'][number];
      await gate(index);
      status.phaseIndex = index;
      status.soak = null;
      enter('applying');
      const weights = { source: phase.sourceWeight, target: phase.targetWeight };
      await writeWeights(weights, 'phase');
      await verify(weights);
      await soak(index);
      await holdWhilePaused();
    }
    // The final validation is the last phase's soak: without a passing verdict a human decides.
    await gate(plan.phases.length);
  }

  async function runRollback(): Promise<void> {
    const requested = rollback as RollbackRequest;
    paused = undefined;
    gateFor = null;
    status.soak = null;
    soakEndsAt = undefined;
    metrics.rollback(requested.kind);
    enter('rolling-back');
    if (!weightsWritten) return;
    await writeWeights(ROLLBACK_WEIGHTS, 'rollback');
    for (let attempt = 1; ; attempt++) {
      const result = await acts.verifyWeights({
        ...request(ROLLBACK_WEIGHTS, 'rollback'),
        timeoutMs: plan.verifyTimeoutMs,
      });
      noteEffective(result.loadBalancers);
      if (result.ok) return;
      if (attempt >= ROLLBACK_VERIFY_ATTEMPTS) {
        throw ApplicationFailure.create({
          message: `rollback wrote 100/0 but the CLB did not show it after ${attempt} verifications: ${result.message ?? ''}`,
          type: 'RollbackNotVerified',
          nonRetryable: true,
          details: [result],
        });
      }
    }
  }

  try {
    await acquireLeases();
  } catch (error) {
    status.error = errorMessage(error);
    enter('failed');
    throw error;
  }
  try {
    await forward.run(forwardPath);
  } catch (error) {
    if (!rollback && isCancellation(error)) requestRollback('temporal', 'the workflow was cancelled', 'cancelled');
    else if (!rollback && !(error instanceof RollbackNow) && weightsWritten) {
      requestRollback('gateshift', `a step failed after weights had moved: ${errorMessage(error)}`, 'failure');
    }
    if (!rollback) {
      status.error = errorMessage(error);
      enter('failed');
      throw error;
    }
    try {
      await CancellationScope.nonCancellable(runRollback);
    } catch (rollbackError) {
      status.error = errorMessage(rollbackError);
      enter('failed');
      throw rollbackError;
    }
    await CancellationScope.nonCancellable(releaseLeases);
    enter('rolled-back');
    const done = rollback;
    return {
      ...result('rolled-back'),
      rollback: {
        by: done.by,
        reason: done.reason,
        at: iso(done.at),
        fromState: done.fromState,
        fromPhase: done.fromPhase,
      },
    };
  }
  await releaseLeases();
  enter('completed');
  return result('completed');

  function result(outcome: MigrationResult['outcome']): MigrationResult {
    return {
      outcome,
      migrationId,
      phaseReached: status.phaseIndex,
      finalWeights: status.desired,
      effective: status.effective,
      actions: status.actions,
      breaches: status.breaches,
    };
  }
}

function isFinished(state: MigrationState): boolean {
  return state === 'completed' || state === 'rolled-back' || state === 'failed';
}

/** The summary a stopped analysis left: attached to its cancellation, or its last heartbeat on a timeout. */
function summaryOfStopped(error: unknown): AnalysisSummary | undefined {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof CancelledFailure) {
    const [details] = cause.details as AnalysisSummary[];
    return details ?? { verdict: 'no-data', evaluations: 0, samples: [] };
  }
  if (cause instanceof TimeoutFailure) return (cause.lastHeartbeatDetails as AnalysisSummary | undefined) ?? undefined;
  return undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}
