// An in-memory stand-in for the data plane and Prometheus, for workflow tests only (the product's
// activities talk to the real systems). It keeps the weights per resource, records every write, action
// and condition check, and checks invariant 1 (never every side at 0) after each single write.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CancelledFailure, Context } from '@temporalio/activity';
import type { InjectedSinks } from '@temporalio/worker';
import type {
  ActionOutcome,
  ActionRequest,
  AnalysisRequest,
  AppliedWeights,
  ConditionRequest,
  ConditionState,
  MigrationActivities,
  NotifyRequest,
  PreflightReport,
  VerifyRequest,
  VerifyResult,
  WeightsRequest,
} from '../../activities/contracts.js';
import { describeLockHolder } from '../../activities/engine/lock-holder.js';
import { FAILURE, failure } from '../../src/api/failures.js';
import type { MigrationSinks } from '../../src/api/names.js';
import type { AnalysisSummary, Observation, WeightWrite } from '../../src/api/records.js';
import { shiftSteps } from '../../src/plan/steps.js';
import {
  eniLayout,
  expectedShares,
  type Side,
  type SideWeights,
  weightsProblem,
  writeOrder,
} from '../../src/plan/weights.js';

export type Verdict = 'pass' | 'breach' | 'no-data';

export interface RecordedWrite extends WeightWrite {
  purpose: WeightsRequest['purpose'];
  step: number;
  migrationId: string;
}

/** The resources a request's traffic names: the CLBs of the CLB driver, one `fake/<name>` otherwise. */
function resourcesOf(traffic: WeightsRequest['traffic']): string[] {
  const { loadBalancers } = traffic as { loadBalancers?: { id: string }[] };
  if (loadBalancers) return loadBalancers.map((lb) => `clb/${lb.id}`);
  return [`fake/${(traffic as { name?: string }).name ?? 'resource'}`];
}

export class FakeWorld {
  readonly weights = new Map<string, SideWeights>();
  readonly writes: RecordedWrite[] = [];
  readonly calls: string[] = [];
  readonly violations: string[] = [];
  /** What the driver's actions created and not yet removed, by action name. */
  readonly created = new Set<string>();
  pods = { source: 3, target: 2 };
  /** Real milliseconds verification takes, heartbeating, so a test can roll back mid-verification. */
  verifyDelayMs = 0;
  /** When false, the data plane never shows a phase's weights (a stalled CCM); rollbacks still converge. */
  verifyAgrees = true;
  preflight: PreflightReport = {
    ok: true,
    items: [{ item: 'clb-reusable', ok: true, status: 'pass', why: 'no blocking tag, protection off' }],
  };
  /** What the analysis of a step finds; breach returns at once, the others run until cancelled. */
  verdict: (step: number) => Verdict = () => 'pass';
  /** Share of a soak (0..1) the analysis had data for. */
  dataShare: (step: number) => number = () => 1;
  /** Whether a condition holds; `failAction` makes an action fail for good. */
  conditionMet: (condition: string) => boolean = () => true;
  /** Real milliseconds a check of a condition that does not hold takes, heartbeating (the real one polls its slice). */
  conditionCheckMs = 0;
  failAction?: string;
  /**
   * The test server does not skip time while an activity runs, so on it the analysis gives its
   * verdict at once; on the dev server it runs until cancelled, as the real one does.
   */
  analysisRunsUntilCancelled = false;

  /** The notifications the workflow sent, in order. */
  readonly notifications: NotifyRequest[] = [];

  /** What the workflow reported to the metrics sink, in order. */
  readonly sinkCalls: string[] = [];

  sinks(): InjectedSinks<MigrationSinks> {
    const record = (name: string) => ({
      fn: (_info: unknown, ...args: unknown[]) => void this.sinkCalls.push(`${name}:${args.join(':')}`),
      callDuringReplay: false,
    });
    return {
      metrics: {
        state: record('state'),
        desired: record('desired'),
        observed: record('observed'),
        analysis: record('analysis'),
        action: record('action'),
        rollback: record('rollback'),
      },
    };
  }

  /** With a file, the weights and the write log outlive the process (worker crash tests). */
  constructor(private readonly stateFile?: string) {
    if (stateFile && existsSync(stateFile)) {
      const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as {
        weights: [string, SideWeights][];
        writes: RecordedWrite[];
      };
      for (const [id, weights] of saved.weights) this.weights.set(id, weights);
      this.writes.push(...saved.writes);
    }
  }

  private save(): void {
    if (this.stateFile)
      writeFileSync(this.stateFile, JSON.stringify({ weights: [...this.weights], writes: this.writes }));
  }

  /** The weights of a resource (`clb/<id>` or a bare CLB id). */
  current(resource: string): SideWeights {
    const key = resource.includes('/') ? resource : `clb/${resource}`;
    return this.weights.get(key) ?? { source: 100, target: 0 };
  }

  private observation(request: WeightsRequest, resource: string): Observation {
    const actual = this.current(resource);
    const expected = expectedShares(request.weights, eniLayout(this.pods.source), eniLayout(this.pods.target));
    const effective = expectedShares(actual, eniLayout(this.pods.source), eniLayout(this.pods.target));
    const converges = this.verifyAgrees || request.purpose === 'rollback';
    const agrees = converges && expected.target === effective.target;
    return {
      resource,
      desired: request.weights,
      expected,
      effective: converges ? effective : { source: 100, target: 0 },
      agrees,
      diff: agrees
        ? undefined
        : `expected target share ${expected.target}%, the data plane applies ${effective.target}%`,
    };
  }

  private setWeights(request: WeightsRequest): AppliedWeights {
    this.calls.push(`apply:${request.purpose}:${request.weights.source}/${request.weights.target}`);
    const problem = weightsProblem(request.weights);
    if (problem) throw failure(FAILURE.invalidRequest, problem);
    const writes: WeightWrite[] = [];
    for (const resource of resourcesOf(request.traffic)) {
      const now = { ...this.current(resource) };
      for (const side of writeOrder(now, request.weights) as Side[]) {
        const changed = now[side] !== request.weights[side];
        now[side] = request.weights[side];
        if (now.source === 0 && now.target === 0) this.violations.push(`${resource}: every side at 0`);
        const write: WeightWrite = { resource, object: `fake/${side}`, side, weight: request.weights[side], changed };
        writes.push(write);
        if (changed)
          this.writes.push({
            ...write,
            purpose: request.purpose,
            step: request.step,
            migrationId: request.migrationId,
          });
      }
      this.weights.set(resource, now);
      this.save();
    }
    return { writes };
  }

  private async analyze(request: AnalysisRequest): Promise<AnalysisSummary> {
    this.calls.push(`analyze:${request.step}`);
    const at = new Date().toISOString();
    const check = request.analysis.checks[0];
    const judged = {
      check: 'target-5xx-ratio',
      comparison: check?.pass ?? '<=',
      threshold: check?.threshold ?? 0.01,
      at,
    };
    const verdict = this.verdict(request.step);
    const evaluations = Math.ceil(request.soakMs / request.analysis.intervalMs);
    if (verdict === 'breach') {
      const breach = {
        check: judged.check,
        value: 0.2,
        threshold: judged.threshold,
        pass: judged.comparison,
        consecutive: request.analysis.consecutiveFailures,
        at,
        message: `target-5xx-ratio = 0.2 failed <= ${judged.threshold} ${request.analysis.consecutiveFailures} times in a row`,
      };
      return {
        verdict: 'breach',
        evaluations: breach.consecutive,
        evaluationsWithData: breach.consecutive,
        samples: [{ ...judged, value: 0.2, pass: false }],
        breach,
      };
    }
    const summary: AnalysisSummary = {
      verdict,
      evaluations,
      evaluationsWithData: verdict === 'pass' ? Math.floor(evaluations * this.dataShare(request.step)) : 0,
      samples: [{ ...judged, value: verdict === 'pass' ? 0 : null, pass: verdict === 'pass' }],
    };
    Context.current().heartbeat(summary);
    if (!this.analysisRunsUntilCancelled) return summary;
    const context = Context.current();
    const beat = setInterval(() => context.heartbeat(summary), 200);
    try {
      return await context.cancelled;
    } catch (error) {
      if (error instanceof CancelledFailure) throw new CancelledFailure('analysis stopped', [summary]);
      throw error;
    } finally {
      clearInterval(beat);
    }
  }

  private runAction(request: ActionRequest): ActionOutcome {
    this.calls.push(`action:${request.action}`);
    if (request.action === this.failAction) throw failure(FAILURE.invalidRequest, `${request.action} failed`);
    const undone = request.action.startsWith('undo-') ? request.action.slice('undo-'.length) : undefined;
    if (undone) return { changes: this.created.delete(undone) ? [`removed ${undone}`] : [] };
    if (this.created.has(request.action)) return { changes: [] };
    this.created.add(request.action);
    return { changes: [`created ${request.action}`] };
  }

  private async awaitCondition(request: ConditionRequest): Promise<ConditionState> {
    this.calls.push(`await:${request.condition}`);
    const met = this.conditionMet(request.condition);
    const message = met ? `${request.condition} holds` : `${request.condition} does not hold`;
    for (let waited = 0; !met && waited < this.conditionCheckMs; waited += 50) {
      Context.current().heartbeat({ round: waited / 50 + 1, message, at: new Date().toISOString() });
      await Context.current().sleep(50);
    }
    return { met, message };
  }

  activities(): MigrationActivities {
    return {
      preflight: async () => {
        this.calls.push('preflight');
        return this.preflight;
      },
      readPreview: async ({ plan }) => {
        this.calls.push('readPreview');
        if (!plan.restore) return { preflight: this.preflight };
        const shares = shiftSteps(plan.steps).map((step) => ({
          step: step.index,
          observations: resourcesOf(plan.traffic).map((resource) =>
            this.observation({ weights: step.weights, purpose: 'phase' } as WeightsRequest, resource),
          ),
        }));
        return { preflight: this.preflight, shares };
      },
      setWeights: async (request) => this.setWeights(request),
      verifyWeights: async (request: VerifyRequest): Promise<VerifyResult> => {
        this.calls.push(`verify:${request.purpose}`);
        for (let waited = 0; waited < this.verifyDelayMs; waited += 50) {
          Context.current().heartbeat();
          await Context.current().sleep(50);
        }
        const observations = resourcesOf(request.traffic).map((resource) => this.observation(request, resource));
        const ok = observations.every((observation) => observation.agrees);
        return { ok, observations, message: ok ? undefined : 'the data plane disagrees' };
      },
      runAction: async (request) => this.runAction(request),
      previewAction: async (request) => ({
        changes: this.created.has(request.action) ? [] : [`would create ${request.action}`],
      }),
      awaitCondition: async (request) => this.awaitCondition(request),
      analyze: (request) => this.analyze(request),
      notify: async (request) => {
        this.notifications.push(request);
        return { idempotencyKey: `${request.event.migrationId}/${request.event.event}/${request.seq}`, targets: [] };
      },
      describeLockHolder,
    };
  }
}
