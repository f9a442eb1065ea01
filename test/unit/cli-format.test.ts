import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { MigrationResult, MigrationStatus } from '../../src/api/status.js';
import { formatValue } from '../../src/api/wording.js';
import { checklistLines } from '../../src/cli/checklist-lines.js';
import { refusalMessage } from '../../src/cli/controls.js';
import { formatRefusal, formatResult } from '../../src/cli/format.js';
import { formatList } from '../../src/cli/list-format.js';
import { defaultWorkflowId } from '../../src/cli/start.js';
import { nextStepsText, startDetails, startSummary } from '../../src/cli/start-text.js';
import { formatStatus } from '../../src/cli/status-format.js';
import { isFinished, overlayAnalysis, overlayCondition, type StatusView, soakRemainingMs } from '../../src/cli/view.js';
import { buildPlan } from '../../src/plan/index.js';

const NOW = new Date('2025-06-01T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * MINUTE).toISOString();

function soakingStatus(): MigrationStatus {
  return {
    migrationId: 'gateshift-clb-lb-bp1onpskfeceg-20250601-100000',
    title: 'bookinfo ingress to ASM',
    kind: 'clb-annotation',
    resources: ['clb/lb-bp1onpskfeceg', 'clb/lb-bp1internal'],
    state: 'soaking',
    stepIndex: 2,
    steps: [
      { index: 0, kind: 'shift', label: 'phase 0 (initial 100/0)', state: 'done', soakMs: 0, approval: 'manual' },
      { index: 1, kind: 'shift', label: 'phase 1 (canary 90/10)', state: 'done', soakMs: HOUR, approval: 'manual' },
      {
        index: 2,
        kind: 'shift',
        label: 'phase 2 (half 50/50)',
        state: 'running',
        soakMs: 2 * HOUR,
        approval: 'manual',
      },
      {
        index: 3,
        kind: 'shift',
        label: 'phase 3 (majority 10/90)',
        state: 'pending',
        soakMs: HOUR,
        approval: 'manual',
      },
      { index: 4, kind: 'shift', label: 'phase 4 (final 0/100)', state: 'pending', soakMs: HOUR, approval: 'auto' },
      { index: 5, kind: 'gate', label: 'completion', state: 'pending' },
    ],
    phaseIndex: 2,
    phaseCount: 5,
    phaseName: 'half',
    desired: { source: 50, target: 50 },
    observations: [
      {
        resource: 'clb/lb-bp1onpskfeceg',
        desired: { source: 50, target: 50 },
        expected: { source: 50, target: 50 },
        effective: { source: 50, target: 50 },
        parts: [
          {
            id: 'rsp-bp1r4xk8a',
            source: { backends: 2, weightSum: 50 },
            target: { backends: 2, weightSum: 50 },
          },
        ],
        agrees: true,
      },
      {
        resource: 'clb/lb-bp1internal',
        desired: { source: 50, target: 50 },
        expected: { source: 50.5, target: 49.5 },
        effective: { source: 100, target: 0 },
        parts: [],
        agrees: false,
        diff: 'rsp-bp1r4xk8c: target pods have weight 0',
      },
    ],
    soak: { totalMs: 120 * MINUTE, remainingMs: 50 * MINUTE, endsAt: at(37) },
    waitingFor: 'soak of phase 2 (half) to end',
    preflight: [
      {
        item: 'CLB reusable',
        ok: true,
        status: 'pass',
        why: 'no kubernetes.do.not.delete or ack.aliyun.com tag',
        resource: 'clb/lb-bp1onpskfeceg',
      },
      {
        item: 'target pods are backends',
        ok: false,
        status: 'fail',
        why: 'rsp-bp1r4xk8c lacks 1 of 2 pods',
        fix: 'check the vgroup-port annotation',
      },
      {
        item: 'every listener has a vServer group in vgroup-port',
        ok: false,
        status: 'unchecked',
        cause: 'access denied: slb:DescribeVServerGroups',
        why: "could not check: the worker's RAM identity may not call DescribeVServerGroups on CLB lb-bp1internal (cn-hangzhou)",
        fix: "grant the worker's RAM identity slb:DescribeVServerGroups on CLB lb-bp1internal",
        resource: 'clb/lb-bp1internal',
      },
    ],
    analysis: {
      step: 2,
      verdict: 'pass',
      evaluations: 12,
      dataCoverage: 0.9,
      samples: [
        { check: 'target-5xx-ratio', value: 0.001234, pass: true, comparison: '<=', threshold: 0.01, at: at(-5) },
        { check: 'target-p99-latency-ms', value: 240, pass: true, comparison: '<=', threshold: 1000, at: at(-5) },
      ],
      updatedAt: at(-5),
    },
    breaches: [
      {
        check: 'target-p99-latency-ms',
        value: 1450,
        threshold: 1000,
        pass: '<',
        consecutive: 1,
        at: at(-30),
        message: 'p99 latency 1450 ms is not < 1000',
      },
    ],
    actions: [
      {
        kind: 'approve',
        by: 'alice',
        at: at(-83),
        step: 1,
        phase: 1,
        state: 'waiting-approval',
        reason: 'canary is clean',
        via: 'update',
        outcome: 'accepted',
      },
      {
        kind: 'approve',
        by: 'bob',
        at: at(-10),
        step: 2,
        phase: 2,
        state: 'soaking',
        via: 'signal',
        outcome: 'refused',
        refusal: 'phase 2 (half 50/50) is soaking, 47m left',
      },
    ],
    writes: [],
    startedAt: at(-120),
    updatedAt: at(-5),
  };
}

function runningView(status: MigrationStatus): StatusView {
  return { workflowId: status.migrationId, execution: { status: 'RUNNING', startTime: status.startedAt }, status };
}

const rolledBack: MigrationResult = {
  outcome: 'rolled-back',
  migrationId: 'gateshift-clb-lb-bp1onpskfeceg-20250601-100000',
  stepReached: 2,
  phaseReached: 2,
  finalWeights: { source: 100, target: 0 },
  observations: [],
  rollback: {
    by: 'carol',
    reason: 'checkout errors in the target gateway',
    kind: 'manual',
    at: at(-1),
    fromState: 'soaking',
    fromStep: 2,
    fromPhase: 2,
  },
  actions: [],
  breaches: [],
};

describe('formatStatus', () => {
  it('shows a soaking phase: where it is, the steps done, current and to come, with the soak left', () => {
    const text = formatStatus(runningView(soakingStatus()), NOW);
    expect(text.split('\n').slice(0, 16)).toEqual([
      'migration gateshift-clb-lb-bp1onpskfeceg-20250601-100000 (bookinfo ingress to ASM)',
      '  workflow  RUNNING, started 2025-06-01 10:00:00Z',
      '  state     soaking: phase 2 of 4 (half 50/50)',
      '  desired   source 50, target 50',
      '  soak      37m left of 2h, ends 2025-06-01 12:37:00Z',
      '  waiting   for soak of phase 2 (half) to end',
      '  updated   2025-06-01 11:55:00Z',
      '',
      'steps',
      '  ✓  phase 0 (initial 100/0)',
      '  ✓  phase 1 (canary 90/10)',
      '  ▶  phase 2 (half 50/50)      soaking, 37m left of 2h',
      '  ·  phase 3 (majority 10/90)  1h soak, manual approval',
      '  ·  phase 4 (final 0/100)     1h soak, auto approval',
      '  ·  completion',
      '',
    ]);
  });

  it('marks the step whose gate waits for an approval as the current one', () => {
    const base = soakingStatus();
    const status: MigrationStatus = {
      ...base,
      state: 'waiting-approval',
      stepIndex: 1,
      phaseIndex: 1,
      soak: null,
      waitingFor: 'approval of phase 2 (half 50/50)',
      steps: base.steps.map((step) => (step.index === 2 ? { ...step, state: 'pending' } : step)),
    };
    const text = formatStatus(runningView(status), NOW);
    expect(text).toContain('  state     waiting-approval: phase 1 of 4 (canary 90/10)\n');
    expect(text).toContain('  ▶  phase 2 (half 50/50)      waiting for approval\n');
  });

  it('shows the live diff of the action whose gate waits, one line under another', () => {
    const base = soakingStatus();
    const status: MigrationStatus = {
      ...base,
      state: 'waiting-approval',
      soak: null,
      waitingFor: 'approval of step 2 (annotate)',
      steps: base.steps.map((step) =>
        step.index === 2
          ? { ...step, state: 'pending', preview: 'Service a/b: + id: "lb-1"\nService a/b: + weight: "100"' }
          : step,
      ),
    };
    expect(formatStatus(runningView(status), NOW)).toContain(
      '  diff      Service a/b: + id: "lb-1"\n            Service a/b: + weight: "100"\n',
    );
    // Once the gate opened, the diff is history: the step's outcome says what changed.
    expect(formatStatus(runningView({ ...status, state: 'acting' }), NOW)).not.toContain('  diff ');
  });

  it('compares expected and effective shares per resource', () => {
    const text = formatStatus(runningView(soakingStatus()), NOW);
    expect(text).toContain('\nresources (source/target shares)\n');
    expect(text).toMatch(/clb\/lb-bp1onpskfeceg\s+desired 50\/50\s+expected 50\/50\s+effective 50\/50\s+agrees/);
    expect(text).toMatch(
      /clb\/lb-bp1internal\s+desired 50\/50\s+expected 50.5\/49.5\s+effective 100\/0\s+DISAGREES: rsp-bp1r4xk8c/,
    );
  });

  it('leads the pre-flight with its summary and lists what did not pass, with the fix', () => {
    const text = formatStatus(runningView(soakingStatus()), NOW);
    expect(text).toContain(
      [
        'preflight: access denied (slb:DescribeVServerGroups): 2 of 3 checks could run, 1 failed',
        '  FAIL       target pods are backends: rsp-bp1r4xk8c lacks 1 of 2 pods',
        '             fix: check the vgroup-port annotation',
        "  UNCHECKED  [clb/lb-bp1internal] every listener has a vServer group in vgroup-port: could not check: the worker's RAM identity may not call DescribeVServerGroups on CLB lb-bp1internal (cn-hangzhou)",
        "             fix: grant the worker's RAM identity slb:DescribeVServerGroups on CLB lb-bp1internal",
        '',
      ].join('\n'),
    );
    expect(text).not.toContain('CLB reusable');
  });

  it('lists items that share their why and fix together, each on its own line, the why and fix once', () => {
    const noKubeconfig = {
      ok: false,
      status: 'unchecked' as const,
      cause: 'no kubeconfig',
      why: 'could not check: the worker has no kubeconfig',
      fix: 'give the worker a kubeconfig',
    };
    const text = checklistLines([
      { ...noKubeconfig, item: 'source gateway has ready pods' },
      { ...noKubeconfig, item: 'source Service carries the CLB annotations', resource: 'clb/lb-a' },
      { item: 'CLB reusable', ok: true, status: 'pass', why: 'no blocking tag', resource: 'clb/lb-a' },
    ]);
    expect(text).toEqual([
      'preflight: no kubeconfig: 1 of 3 checks could run',
      '  UNCHECKED  source gateway has ready pods',
      '             [clb/lb-a] source Service carries the CLB annotations',
      '             why: could not check: the worker has no kubeconfig',
      '             fix: give the worker a kubeconfig',
    ]);
  });

  it('collapses a pre-flight that passed into one line', () => {
    const status = soakingStatus();
    const passed = (status.preflight ?? []).map((item) => ({ ...item, ok: true, status: 'pass' as const }));
    const text = formatStatus(runningView({ ...status, preflight: passed }), NOW);
    expect(text).toContain('\npreflight: all 3 checks passed\n\n');
  });

  it('shows the analysis values against their thresholds, the breaches and the action log', () => {
    const text = formatStatus(runningView(soakingStatus()), NOW);
    expect(text).toContain(
      [
        'analysis of phase 2 (half 50/50): pass, 12 evaluations, data for 90% of the soak, updated 2025-06-01 11:55:00Z',
        '  ok  target-5xx-ratio       0.001234  ≤ 0.01  2025-06-01 11:55:00Z',
        '  ok  target-p99-latency-ms  240       ≤ 1000  2025-06-01 11:55:00Z',
      ].join('\n'),
    );
    expect(text).toMatch(
      /target-p99-latency-ms\s+1450 \(must be < 1000\)\s+1 in a row\s+p99 latency 1450 ms is not < 1000/,
    );
    expect(text).toMatch(
      /2025-06-01 10:37:00Z\s+alice\s+approve\s+phase 1 \(waiting-approval\)\s+canary is clean\s+accepted via update/,
    );
    expect(text).toMatch(
      /bob\s+approve\s+phase 2 \(soaking\)\s+-\s+refused via signal: phase 2 \(half 50\/50\) is soaking, 47m left/,
    );
  });

  it('says who paused and why, and who approved every remaining step', () => {
    const status: MigrationStatus = {
      ...soakingStatus(),
      state: 'paused',
      pausedFrom: 'soaking',
      paused: { by: 'carol', reason: 'incident elsewhere', at: at(-3) },
      approvedAll: { by: 'dave', reason: 'change window closes at 14:00', at: at(-60) },
      soak: { totalMs: 120 * MINUTE, remainingMs: 37 * MINUTE + 30_000 },
    };
    const text = formatStatus(runningView(status), NOW);
    expect(text).toContain('  state     paused (from soaking): phase 2 of 4 (half 50/50)\n');
    expect(text).toContain('  paused    by carol at 2025-06-01 11:57:00Z: incident elsewhere\n');
    expect(text).toContain('  approved  every remaining step, by dave: change window closes at 14:00\n');
    expect(text).toContain('  ▶  phase 2 (half 50/50)      paused (from soaking), 37m 30s left of 2h\n');
  });

  it('uses the frozen remainder when the soak has no end time (paused)', () => {
    const status: MigrationStatus = {
      ...soakingStatus(),
      state: 'paused',
      pausedFrom: 'soaking',
      soak: { totalMs: 120 * MINUTE, remainingMs: 37 * MINUTE + 30_000 },
    };
    const text = formatStatus(runningView(status), NOW);
    expect(text).toContain('state     paused (from soaking)');
    expect(text).toContain('soak      37m 30s left of 2h\n');
  });

  it('shows the step of a plan without weight phases, and no weights when none were written', () => {
    const base = soakingStatus();
    const status: MigrationStatus = {
      ...base,
      stepIndex: 1,
      steps: [
        { index: 0, kind: 'action', label: 'step 0 (annotate the gateway)', state: 'done' },
        { index: 1, kind: 'soak', label: 'step 1 (watch)', state: 'running' },
        { index: 2, kind: 'gate', label: 'completion', state: 'pending' },
      ],
      phaseIndex: 0,
      phaseCount: 0,
      phaseName: '',
      desired: null,
      observations: [],
      analysis: base.analysis && { ...base.analysis, step: 1, verdict: 'running', evaluations: 1 },
      actions: [
        {
          kind: 'pause',
          by: 'dave',
          at: at(-2),
          step: 1,
          state: 'soaking',
          reason: 'lunch',
          via: 'update',
          outcome: 'accepted',
        },
      ],
    };
    const text = formatStatus(runningView(status), NOW);
    expect(text).toContain('  state     soaking: step 1 of 2 (watch)\n');
    expect(text).toContain('  ✓  step 0 (annotate the gateway)\n  ▶  step 1 (watch)');
    expect(text).not.toMatch(/^ {2}desired /m);
    expect(text).toContain('\nresources: not read yet\n');
    expect(text).toContain('analysis of step 1 (watch): running, 1 evaluation, updated 2025-06-01 11:55:00Z');
    expect(text).toMatch(/dave\s+pause\s+step 1 \(soaking\)\s+lunch\s+accepted via update/);
  });

  it('shows how a closed workflow ended', () => {
    const status: MigrationStatus = { ...soakingStatus(), state: 'rolled-back', waitingFor: null };
    const closed: StatusView = {
      ...runningView(status),
      execution: { status: 'COMPLETED', startTime: at(-120), closeTime: at(-1) },
      result: rolledBack,
    };
    const text = formatStatus(closed, NOW);
    expect(text).toContain('workflow  COMPLETED, started 2025-06-01 10:00:00Z, closed 2025-06-01 11:59:00Z');
    expect(text).toContain(
      'result    rolled back by carol at 2025-06-01 11:59:00Z from soaking in phase 2: checkout errors',
    );
    expect(text).not.toContain('soak ');

    const failed: StatusView = {
      workflowId: 'm',
      execution: { status: 'FAILED', startTime: at(-120), closeTime: at(-1) },
      failure: 'invalid input: phases[1].targetWeight: must not decrease',
      queryError: 'no worker',
    };
    expect(formatStatus(failed, NOW)).toContain('failure   invalid input: phases[1].targetWeight: must not decrease');
    expect(formatStatus(failed, NOW)).toContain('status    unavailable: no worker');
  });
});

describe('formatResult', () => {
  it('names the actor and the reason of a rollback', () => {
    expect(formatResult(rolledBack)).toBe(
      'rolled back by carol at 2025-06-01 11:59:00Z from soaking in phase 2: checkout errors in the target gateway; weights 100/0',
    );
  });

  it('says where a completed migration ended', () => {
    const completed: MigrationResult = {
      ...rolledBack,
      outcome: 'completed',
      phaseReached: 4,
      finalWeights: { source: 0, target: 100 },
    };
    delete completed.rollback;
    expect(formatResult(completed)).toBe('completed at phase 4, weights 0/100');
    // A plan that moves no weights counts in steps.
    expect(formatResult({ ...completed, stepReached: 7, finalWeights: null })).toBe('completed at step 7, no weights');
  });
});

describe('refusals', () => {
  it('prints the validator message once after "refused:"', () => {
    expect(formatRefusal('approve refused: phase 2 is soaking, 37m left')).toBe(
      'refused: phase 2 is soaking, 37m left',
    );
    expect(formatRefusal('the migration is paused')).toBe('refused: the migration is paused');
  });

  it('takes the message from the failure inside WorkflowUpdateFailedError', () => {
    const cause = ApplicationFailure.create({ message: 'approve refused: phase 2 is soaking, 37m left' });
    expect(refusalMessage(new WorkflowUpdateFailedError('Workflow Update failed', cause))).toBe(
      'approve refused: phase 2 is soaking, 37m left',
    );
    expect(refusalMessage(new Error('workflow execution already completed'))).toBeUndefined();
  });
});

describe('view', () => {
  it('computes the soak left from endsAt and never goes below zero', () => {
    expect(soakRemainingMs({ totalMs: 120 * MINUTE, remainingMs: 99, endsAt: at(37) }, NOW)).toBe(37 * MINUTE);
    expect(soakRemainingMs({ totalMs: 120 * MINUTE, remainingMs: 99, endsAt: at(-1) }, NOW)).toBe(0);
    expect(soakRemainingMs({ totalMs: 120 * MINUTE, remainingMs: 99 }, NOW)).toBe(99);
  });

  it("shows a waiting condition's latest heartbeat as its step's outcome, e.g. the rate the source still serves", () => {
    const status = soakingStatus();
    const drain = { index: 3, kind: 'await' as const, label: 'step 3 (source drained)', state: 'running' as const };
    const waiting: MigrationStatus = {
      ...status,
      state: 'awaiting',
      stepIndex: 3,
      steps: [...status.steps.slice(0, 3), { ...drain, outcome: 'still serves 40 requests/s now' }],
    };
    const heartbeat = { round: 12, message: 'still serves 2.5 requests/s now', at: at(0) };
    expect(overlayCondition(waiting, heartbeat).steps[3]?.outcome).toBe('still serves 2.5 requests/s now');
    expect(formatStatus(runningView(overlayCondition(waiting, heartbeat)), NOW)).toContain(
      'running: still serves 2.5 requests/s now',
    );
    // A step that is not waiting keeps what the workflow said.
    expect(overlayCondition(status, heartbeat)).toBe(status);
  });

  it("overlays the analyze activity's heartbeat: newer samples win per check", () => {
    const status = soakingStatus();
    const overlaid = overlayAnalysis(status, {
      verdict: 'failing',
      evaluations: 15,
      evaluationsWithData: 15,
      samples: [
        { check: 'target-p99-latency-ms', value: 1210, pass: false, comparison: '<=', threshold: 1000, at: at(-1) },
      ],
      breach: undefined,
    });
    expect(overlaid.analysis?.step).toBe(2);
    expect(overlaid.analysis?.verdict).toBe('failing');
    expect(overlaid.analysis?.evaluations).toBe(15);
    // The share of the soak covered by data is the workflow's to judge: the overlay keeps its figure.
    expect(overlaid.analysis?.dataCoverage).toBe(0.9);
    expect(overlaid.analysis?.updatedAt).toBe(at(-1));
    expect(overlaid.analysis?.samples).toEqual([
      { check: 'target-5xx-ratio', value: 0.001234, pass: true, comparison: '<=', threshold: 0.01, at: at(-5) },
      { check: 'target-p99-latency-ms', value: 1210, pass: false, comparison: '<=', threshold: 1000, at: at(-1) },
    ]);
    expect(overlayAnalysis(status, undefined)).toBe(status);
  });

  it('reads "running" for a passing heartbeat until the workflow judges the soak, with no coverage figure', () => {
    const status = soakingStatus();
    const running = { ...status, analysis: status.analysis && { ...status.analysis, verdict: 'running' as const } };
    const overlaid = overlayAnalysis(running, {
      verdict: 'pass',
      evaluations: 130,
      evaluationsWithData: 130,
      samples: [],
    });
    expect(overlaid.analysis?.verdict).toBe('running');
    expect(overlaid.analysis?.evaluations).toBe(130);
    expect(formatStatus(runningView(overlaid), NOW)).not.toMatch(/data for/);
  });

  it('adds a breach the workflow has not recorded yet, once', () => {
    const status = soakingStatus();
    const known = status.breaches[0];
    if (!known) throw new Error('fixture has a breach');
    const fresh = { ...known, at: at(-1), consecutive: 3 };
    const summary = {
      verdict: 'breach' as const,
      evaluations: 15,
      evaluationsWithData: 15,
      samples: [],
      breach: fresh,
    };
    expect(overlayAnalysis(status, summary).breaches).toEqual([known, fresh]);
    expect(overlayAnalysis(status, { ...summary, breach: known }).breaches).toEqual([known]);
  });

  it('is finished when the state is terminal or the workflow closed', () => {
    expect(isFinished(runningView(soakingStatus()))).toBe(false);
    expect(isFinished(runningView({ ...soakingStatus(), state: 'completed' }))).toBe(true);
    expect(isFinished({ workflowId: 'm', execution: { status: 'TERMINATED', startTime: at(-1) } })).toBe(true);
  });
});

describe('start texts', () => {
  const input = {
    traffic: {
      kind: 'clb-annotation' as const,
      source: { namespace: 'istio-system', service: 'istio-ingressgateway', selector: { istio: 'ingressgateway' } },
      target: { namespace: 'istio-system', service: 'ingressgateway-asm', selector: { istio: 'ingressgateway-asm' } },
      loadBalancers: [
        { id: 'lb-bp1onpskfeceg', region: 'cn-hangzhou', vServerGroups: [{ id: 'rsp-bp1r4xk8a', port: 80 }] },
        { id: 'lb-bp1internal', region: 'cn-hangzhou', vServerGroups: [{ id: 'rsp-bp1r4xk8c', port: 80 }] },
      ],
    },
    routes: [{ host: 'bookinfo.example.com', path: '/productpage' }],
  };
  const plan = buildPlan(input);

  it('names the workflow after the first resource (its CLB) and the UTC start time', () => {
    expect(defaultWorkflowId(plan, new Date('2025-06-01T09:05:07.123Z'))).toBe(
      'gateshift-clb-lb-bp1onpskfeceg-20250601-090507',
    );
  });

  it('summarises the CLBs and gateways unless there is a title', () => {
    expect(startSummary(plan)).toBe(
      'lb-bp1onpskfeceg, lb-bp1internal: istio-system/istio-ingressgateway → istio-system/ingressgateway-asm',
    );
    expect(startSummary(buildPlan({ ...input, title: 'bookinfo to ASM' }))).toBe('bookinfo to ASM');
  });

  it('details the steps as a markdown table, labels in code spans (no "90/10" set as a fraction)', () => {
    const details = startDetails(plan);
    expect(details).toContain('| # | step | source weight | target weight | soak | approval |');
    // Phase 0 sends no traffic to the target: it has no gate, hence no approval.
    expect(details).toContain('| 0 | `phase 0 (initial 100/0)` | 100 | 0 | 0s |  |');
    expect(details).toContain('| 1 | `phase 1 (canary 90/10)` | 90 | 10 | 1h | manual |');
    expect(details).toContain('| 4 | `phase 4 (final 0/100)` | 0 | 100 | 1h | manual |');
    expect(details).toContain('| 5 | `step 5 (source drained: under 0.1 requests/s for 5m)` |  |  |  |  |');
    expect(details).toContain('| 6 | `completion` |  |  |  |  |');
  });

  it('prints the exact commands to approve and watch', () => {
    const text = nextStepsText('gateshift-clb-lb-bp1onpskfeceg-20250601-090507');
    expect(text).toContain('gateshift approve gateshift-clb-lb-bp1onpskfeceg-20250601-090507\n');
    expect(text).toContain(
      `temporal workflow signal --workflow-id gateshift-clb-lb-bp1onpskfeceg-20250601-090507 --name approve --input '{"by":"you"}'`,
    );
    expect(text).toContain('gateshift watch gateshift-clb-lb-bp1onpskfeceg-20250601-090507\n');
    expect(nextStepsText("it's mine")).toContain(`gateshift watch 'it'\\''s mine'`);
  });
});

describe('formatList and values', () => {
  it('lists each migration with its state, where it is, its weights and what it waits for', () => {
    const text = formatList([
      {
        workflowId: 'gateshift-clb-lb-a-20250601-090507',
        state: 'waiting-approval',
        position: 'phase 1 of 4',
        weights: '90/10',
        resources: ['clb/lb-a', 'clb/lb-b'],
        waitingFor: 'approval of phase 2 (half 50/50)',
        startTime: at(-120),
      },
      { workflowId: 'm2', resources: [], startTime: at(-5) },
    ]);
    expect(text.split('\n')).toEqual([
      'ID                                  STATE             AT            WEIGHTS  RESOURCES          STARTED               WAITING FOR',
      'gateshift-clb-lb-a-20250601-090507  waiting-approval  phase 1 of 4  90/10    clb/lb-a,clb/lb-b  2025-06-01 10:00:00Z  approval of phase 2 (half 50/50)',
      'm2                                  -                 -             -        -                  2025-06-01 11:55:00Z  -',
      '',
    ]);
    expect(formatList([])).toBe('no migrations\n');
  });

  it('shows missing data as such and keeps four significant digits', () => {
    expect(formatValue(null)).toBe('no data');
    expect(formatValue(0.0123456)).toBe('0.01235');
    expect(formatValue(1450)).toBe('1450');
  });
});
