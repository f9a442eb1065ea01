// An in-memory stand-in for the CLBs, the CCM and Prometheus, for workflow tests only (the product's
// activities talk to the real systems). It keeps the annotation weights per CLB, records every write,
// and checks invariant 1 (never every gateway at 0) after each single write.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CancelledFailure, Context } from '@temporalio/activity';
import type { InjectedSinks } from '@temporalio/worker';
import type {
  AnalysisRequest,
  AnalysisSummary,
  AppliedWeights,
  EffectiveWeights,
  MigrationActivities,
  PreflightReport,
  VerifyRequest,
  VerifyResult,
  WeightsRequest,
  WeightWrite,
} from '../../activities/contracts.js';
import { describeLeaseHolder } from '../../activities/lease-holder.js';
import { expectedShares, type Side, type SideWeights, writeOrder } from '../../src/plan/weights.js';
import type { MigrationSinks } from '../../workflows/definitions.js';

export type Verdict = 'pass' | 'breach' | 'no-data';

export interface RecordedWrite extends WeightWrite {
  purpose: WeightsRequest['purpose'];
  phaseIndex: number;
  migrationId: string;
}

export class FakeWorld {
  readonly weights = new Map<string, SideWeights>();
  readonly writes: RecordedWrite[] = [];
  readonly calls: string[] = [];
  readonly violations: string[] = [];
  pods = { source: 3, target: 2 };
  /** Real milliseconds verification takes, heartbeating, so a test can roll back mid-verification. */
  verifyDelayMs = 0;
  /** When false, the CLB never shows a phase's weights (a stalled CCM); rollbacks still converge. */
  verifyAgrees = true;
  preflight: PreflightReport = {
    ok: true,
    items: [{ item: 'clb-reusable', ok: true, why: 'no blocking tag, protection off' }],
  };
  /** What the analysis of a phase finds; breach returns at once, the others run until cancelled. */
  verdict: (phaseIndex: number) => Verdict = () => 'pass';
  /**
   * The test server does not skip time while an activity runs, so on it the analysis gives its
   * verdict at once; on the dev server it runs until cancelled, as the real one does.
   */
  analysisRunsUntilCancelled = false;

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
        weights: record('weights'),
        action: record('action'),
        rollback: record('rollback'),
      },
    };
  }

  /** With a file, the CLB weights and the write log outlive the process (worker crash tests). */
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

  current(loadBalancerId: string): SideWeights {
    return this.weights.get(loadBalancerId) ?? { source: 100, target: 0 };
  }

  private effective(request: WeightsRequest, loadBalancerId: string): EffectiveWeights {
    const actual = this.current(loadBalancerId);
    const expected = expectedShares(request.weights, this.pods.source, this.pods.target);
    const effective = expectedShares(actual, this.pods.source, this.pods.target);
    const converges = this.verifyAgrees || request.purpose === 'rollback';
    const agrees = converges && expected.target === effective.target;
    return {
      loadBalancerId,
      desired: request.weights,
      expected,
      effective: converges ? effective : { source: 100, target: 0 },
      groups: [],
      agrees,
      diff: agrees ? undefined : `expected target share ${expected.target}%, CLB reports ${effective.target}%`,
    };
  }

  activities(): MigrationActivities {
    return {
      preflight: async () => {
        this.calls.push('preflight');
        return this.preflight;
      },
      applyWeights: async (request: WeightsRequest): Promise<AppliedWeights> => {
        this.calls.push(`apply:${request.purpose}:${request.weights.source}/${request.weights.target}`);
        const writes: WeightWrite[] = [];
        for (const lb of request.topology.loadBalancers) {
          const now = { ...this.current(lb.id) };
          for (const side of writeOrder(now, request.weights) as Side[]) {
            const changed = now[side] !== request.weights[side];
            now[side] = request.weights[side];
            if (now.source === 0 && now.target === 0) this.violations.push(`${lb.id}: every gateway at 0`);
            const write: WeightWrite = {
              loadBalancerId: lb.id,
              namespace: request.topology[side].namespace,
              service: side === 'source' ? lb.sourceService : lb.targetService,
              side,
              weight: request.weights[side],
              changed,
            };
            writes.push(write);
            if (changed)
              this.writes.push({
                ...write,
                purpose: request.purpose,
                phaseIndex: request.phaseIndex,
                migrationId: request.migrationId,
              });
          }
          this.weights.set(lb.id, now);
          this.save();
        }
        return { writes };
      },
      verifyWeights: async (request: VerifyRequest): Promise<VerifyResult> => {
        this.calls.push(`verify:${request.purpose}`);
        for (let waited = 0; waited < this.verifyDelayMs; waited += 50) {
          Context.current().heartbeat();
          await Context.current().sleep(50);
        }
        const loadBalancers = request.topology.loadBalancers.map((lb) => this.effective(request, lb.id));
        const ok = loadBalancers.every((lb) => lb.agrees);
        return { ok, loadBalancers, message: ok ? undefined : 'CLB backends disagree' };
      },
      probeRoutes: async () => ({ ok: true, results: [] }),
      analyze: async (request: AnalysisRequest): Promise<AnalysisSummary> => {
        this.calls.push(`analyze:${request.phaseIndex}`);
        const at = new Date().toISOString();
        const verdict = this.verdict(request.phaseIndex);
        if (verdict === 'breach') {
          const breach = {
            check: 'target-5xx-ratio',
            value: 0.2,
            threshold: request.analysis.checks[0]?.threshold ?? 0.01,
            pass: '<=',
            consecutive: request.analysis.consecutiveFailures,
            at,
            message: `target-5xx-ratio = 0.2 failed <= ${request.analysis.checks[0]?.threshold ?? 0.01} ${request.analysis.consecutiveFailures} times in a row`,
          };
          return {
            verdict: 'breach',
            evaluations: breach.consecutive,
            samples: [{ check: breach.check, value: 0.2, pass: false, at }],
            breach,
          };
        }
        const summary: AnalysisSummary = {
          verdict,
          evaluations: 1,
          samples: [{ check: 'target-5xx-ratio', value: verdict === 'pass' ? 0 : null, pass: verdict === 'pass', at }],
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
      },
      describeLeaseHolder,
    };
  }
}
