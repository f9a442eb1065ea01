// The state of one migration, in one place (after the Temporal samples' state-in-a-class workflows):
// what the status query answers, the controls' view and their effect, the gate, the pause, the rollback
// request, and what is published outside (publish.ts).
import { CancellationScope, condition, proxySinks, workflowInfo } from '@temporalio/workflow';
import type { ControlInput, MigrationSinks } from '../src/api/names.js';
import type { AnalysisBreach, Observation } from '../src/api/records.js';
import {
  type ActionKind,
  type AnalysisView,
  isTerminal,
  type MigrationState,
  type MigrationStatus,
  type RecordedAction,
  type RollbackReason,
  type RollbackRecord,
  type StepView,
} from '../src/api/status.js';
import type { NotifyEventType } from '../src/notify/schema.js';
import type { Verdict } from '../src/plan/gate.js';
import type { MigrationPlan } from '../src/plan/plan.js';
import { phaseOf, type Step, stepLabel } from '../src/plan/steps.js';
import type { SideWeights } from '../src/plan/weights.js';
import { Notifier, type NotifyDetails } from './notify.js';
import { Publisher } from './publish.js';
import { initialStatus } from './status.js';

const { metrics } = proxySinks<MigrationSinks>();

// In the workflow sandbox Date is the deterministic workflow clock (the time of the current task).
export const now = () => Date.now();
export const iso = (ms: number = now()) => new Date(ms).toISOString();

export class MigrationRun {
  readonly status: MigrationStatus;
  /** The forward path runs in this scope; a rollback request of any origin cancels it. */
  readonly forward = new CancellationScope();
  stage: MigrationState = 'starting';
  paused?: { by: string; reason: string; at: string };
  /** A standing approval of the remaining gates (approve-all): who, why, when. */
  approvedAll?: { by: string; reason: string; at: string };
  /** The gate waiting for an approval, and who gave it. */
  gate: { step: Step; approvedBy?: string } | null = null;
  rollback?: RollbackRecord;
  /** The weights in force: the start state until the first shift writes. */
  desired: SideWeights | null;
  lastVerdict: Verdict = 'skipped';
  verdictNote?: string;
  /** Why the next gate waits for a human whatever the analysis says (e.g. a condition that did not hold in time). */
  held?: string;
  /** Steps that began, in order: what a rollback unwinds. */
  readonly started: Step[] = [];
  soak?: { totalMs: number; remainingMs: number; endsAt?: number };
  private readonly publisher: Publisher;
  readonly notifier: Notifier;

  constructor(
    readonly plan: MigrationPlan,
    readonly migrationId: string,
    send: Notifier['send'],
  ) {
    const { namespace, taskQueue } = workflowInfo();
    this.notifier = new Notifier(send, { migrationId, title: plan.title, namespace, taskQueue }, plan.notify);
    this.publisher = new Publisher(migrationId);
    this.desired = plan.restore;
    this.status = initialStatus(plan, migrationId, iso());
  }

  get currentStep(): Step | undefined {
    return this.plan.steps[this.status.stepIndex];
  }

  /** An irreversible step that has begun: from then on a rollback is refused and a breach pauses. */
  get pointOfNoReturn(): Step | undefined {
    return this.started.find((step) => step.kind === 'action' && step.irreversible);
  }

  soakLeft(): number {
    const soak = this.soak;
    if (!soak) return 0;
    return soak.endsAt !== undefined && !this.paused ? Math.max(0, soak.endsAt - now()) : soak.remainingMs;
  }

  soakOver(): void {
    if (this.soak) this.soak = { ...this.soak, remainingMs: 0, endsAt: undefined };
  }

  pause(by: string, reason: string): void {
    // The soak clock stops: what is left is kept, and counted again from the resume.
    if (this.soak) this.soak = { ...this.soak, remainingMs: this.soakLeft(), endsAt: undefined };
    this.paused = { by, reason, at: iso() };
  }

  resume(): void {
    this.paused = undefined;
    if (this.soak && this.stage === 'soaking') this.soak = { ...this.soak, endsAt: now() + this.soak.remainingMs };
  }

  /** Leaves the forward path for the rollback: one mechanism for humans, breaches, failures and cancels. */
  requestRollback(by: string, reason: string, kind: RollbackReason): void {
    if (this.rollback) return;
    this.rollback = {
      by,
      reason,
      kind,
      at: iso(),
      fromState: this.status.state,
      fromStep: this.status.stepIndex,
      fromPhase: this.status.phaseIndex,
    };
    metrics.rollback(kind);
    this.tell('rollback', { by, reason });
    this.forward.cancel();
  }

  /** `about`: the step the action concerns, when it is not the waiting gate's or the current one. */
  record(kind: ActionKind, input: ControlInput, via: RecordedAction['via'], refused?: string, about?: Step): void {
    const reason = 'reason' in input ? input.reason : 'comment' in input ? input.comment : undefined;
    const approval = kind === 'approve' || kind === 'approve-all';
    const step = about ?? (approval && this.gate ? this.gate.step : this.currentStep);
    this.status.actions.push({
      kind,
      by: input.by,
      at: iso(),
      step: step?.index ?? this.status.stepIndex,
      phase: phaseOf(step, this.status.phaseCount),
      state: this.status.state,
      reason,
      via,
      outcome: refused ? 'refused' : 'accepted',
      refusal: refused,
    });
    metrics.action(kind, refused ? 'refused' : 'accepted');
  }

  /** What gateshift did on its own, in the same log as the humans' actions. */
  recordAutomatic(kind: 'rollback' | 'pause', reason: string): void {
    this.record(kind, { by: 'gateshift', reason }, 'analysis');
  }

  noteBreach(breach: AnalysisBreach): void {
    this.status.breaches.push(breach);
  }

  beginStep(step: Step): void {
    this.status.stepIndex = step.index;
    if (step.kind === 'shift') {
      this.status.phaseIndex = step.phase;
      this.status.phaseName = step.name;
    }
    this.started.push(step);
    this.setStep(step.index, { state: 'running', startedAt: iso() });
  }

  endStep(step: Step, outcome?: string): void {
    this.setStep(step.index, { state: 'done', endedAt: iso(), outcome });
  }

  setStep(index: number, change: Partial<StepView>): void {
    const view = this.status.steps[index];
    if (view) Object.assign(view, change);
  }

  wroteWeights(weights: SideWeights): void {
    this.desired = { ...weights };
    this.status.desired = this.desired;
    metrics.desired(this.migrationId, weights.source, weights.target);
  }

  analysed(view: AnalysisView): void {
    this.status.analysis = view;
    metrics.analysis(
      this.migrationId,
      view.samples.map((sample) => ({ check: sample.check, value: sample.value, threshold: sample.threshold })),
    );
  }

  observed(observations: Observation[]): void {
    this.status.observations = observations;
    for (const observation of observations)
      metrics.observed(
        this.migrationId,
        observation.resource,
        observation.effective.source,
        observation.effective.target,
      );
  }

  /** Holds the forward path while paused (the analysis, where one runs, goes on). */
  async holdWhilePaused(): Promise<void> {
    if (this.paused) await condition(() => !this.paused);
  }

  enter(next: MigrationState, waitingFor: string | null = null): void {
    this.stage = next;
    this.status.waitingFor = waitingFor;
    this.publish();
  }

  publish(): void {
    const status = this.status;
    status.state = this.paused && this.stage !== 'rolling-back' && !isTerminal(this.stage) ? 'paused' : this.stage;
    status.pausedFrom = status.state === 'paused' ? this.stage : undefined;
    status.paused = status.state === 'paused' ? this.paused : undefined;
    status.approvedAll = this.approvedAll;
    status.updatedAt = iso();
    const soak = this.soak;
    status.soak = soak
      ? {
          totalMs: soak.totalMs,
          remainingMs: this.soakLeft(),
          endsAt: this.paused || soak.endsAt === undefined ? undefined : iso(soak.endsAt),
        }
      : null;
    this.publisher.publish(status, now());
  }

  /** The status as the query answers it: the soak's time left as of now. */
  snapshot(): MigrationStatus {
    const soak = this.status.soak;
    return { ...this.status, soak: soak ? { ...soak, remainingMs: this.soakLeft() } : null };
  }

  /** Tells the chat targets about the current step. */
  tell(event: NotifyEventType, details: Omit<NotifyDetails, 'stepOrPhaseLabel'> = {}): void {
    const step = this.currentStep;
    const weights = this.desired ?? undefined;
    this.notifier.tell(event, { stepOrPhaseLabel: step ? stepLabel(step) : 'start', weights, ...details }, iso());
  }
}
