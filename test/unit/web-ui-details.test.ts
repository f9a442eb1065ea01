// The markdown of the Web UI's current details: well formed (each block its own paragraph, list or
// table), the same position words as the CLI, who paused and why, resources, steps, analysis against
// thresholds, last actions; weights never left where the UI would set them as fractions.
import { describe, expect, it } from 'vitest';
import type { MigrationStatus } from '../../src/api/status.js';
import { renderDetails } from '../../workflows/render.js';

const HOUR = 3_600_000;

function waitingStatus(): MigrationStatus {
  return {
    migrationId: 'bookinfo-to-asm',
    kind: 'clb-annotation',
    resources: ['clb/lb-a'],
    state: 'paused',
    pausedFrom: 'waiting-approval',
    paused: { by: 'carol', reason: 'incident | elsewhere', at: '2025-06-01T11:00:00.000Z' },
    stepIndex: 1,
    steps: [
      { index: 0, kind: 'shift', label: 'phase 0 (initial 100/0)', state: 'done', soakMs: 0, approval: 'manual' },
      { index: 1, kind: 'shift', label: 'phase 1 (canary 90/10)', state: 'done', soakMs: HOUR, approval: 'manual' },
      {
        index: 2,
        kind: 'shift',
        label: 'phase 2 (half 50/50)',
        state: 'pending',
        soakMs: 2 * HOUR,
        approval: 'manual',
      },
      { index: 3, kind: 'gate', label: 'completion', state: 'pending' },
    ],
    phaseIndex: 1,
    phaseCount: 3,
    phaseName: 'canary',
    desired: { source: 90, target: 10 },
    observations: [
      {
        resource: 'clb/lb-a',
        desired: { source: 90, target: 10 },
        expected: { source: 90.91, target: 9.09 },
        effective: { source: 90.91, target: 9.09 },
        agrees: true,
      },
    ],
    soak: null,
    waitingFor: 'approval of phase 2 (half 50/50)',
    preflight: [],
    analysis: {
      step: 1,
      verdict: 'pass',
      evaluations: 120,
      dataCoverage: 1,
      samples: [
        {
          check: 'target-5xx-ratio',
          value: 0.0004,
          pass: true,
          comparison: '<=',
          threshold: 0.01,
          at: '2025-06-01T10:59:00.000Z',
        },
        {
          check: 'target-request-rate',
          value: 0,
          pass: false,
          comparison: '>',
          threshold: 0,
          at: '2025-06-01T10:59:00.000Z',
        },
      ],
      updatedAt: '2025-06-01T10:59:00.000Z',
    },
    breaches: [],
    actions: [
      {
        kind: 'approve',
        by: 'alice',
        at: '2025-06-01T09:00:00.000Z',
        step: 1,
        phase: 1,
        state: 'waiting-approval',
        reason: 'canary *ok*',
        via: 'update',
        outcome: 'accepted',
      },
      {
        kind: 'pause',
        by: 'carol',
        at: '2025-06-01T11:00:00.000Z',
        step: 1,
        phase: 1,
        state: 'waiting-approval',
        reason: 'incident | elsewhere',
        via: 'signal',
        outcome: 'accepted',
      },
    ],
    writes: [],
    startedAt: '2025-06-01T08:00:00.000Z',
    updatedAt: '2025-06-01T11:00:00.000Z',
  };
}

describe('the current details', () => {
  it('is well-formed markdown with the state, where the migration is and who paused it', () => {
    expect(renderDetails(waitingStatus())).toBe(
      [
        '## Paused: `phase 1 of 2 (canary 90/10)`',
        '',
        '- **Paused** by carol at 2025-06-01 11:00:00Z: incident \\| elsewhere',
        '- **Waiting for** approval of phase 2 (half 50/50)',
        '- **Weights written** (source/target): `90/10`',
        '',
        '| resource | desired | expected | effective | agrees |',
        '|---|---|---|---|---|',
        '| `clb/lb-a` | `90/10` | `90.91/9.09` | `90.91/9.09` | yes |',
        '',
        '**Steps**',
        '',
        '| | step | soak | approval | outcome |',
        '|---|---|---|---|---|',
        '| ✓ | `phase 0 (initial 100/0)` |  | manual | done |',
        '| ✓ | `phase 1 (canary 90/10)` | 1h | manual | done |',
        '| · | `phase 2 (half 50/50)` | 2h | manual |  |',
        '| · | `completion` |  |  |  |',
        '',
        '**Analysis** of `phase 1 (canary 90/10)`: pass, 120 evaluation(s), data for 100% of the soak',
        '',
        '| check | value | must be | |',
        '|---|---|---|---|',
        '| `target-5xx-ratio` | 0.0004 | ≤ 0.01 | ok |',
        '| `target-request-rate` | 0 | > 0 | **fails** |',
        '',
        '**Last actions**',
        '',
        '- 2025-06-01 09:00:00Z **alice**: approve of phase 1, "canary \\*ok\\*" (via update)',
        '- 2025-06-01 11:00:00Z **carol**: pause of phase 1, "incident \\| elsewhere" (via signal)',
      ].join('\n'),
    );
  });

  it('gives a running soak its end time, which stays true between updates', () => {
    const status: MigrationStatus = {
      ...waitingStatus(),
      state: 'soaking',
      pausedFrom: undefined,
      paused: undefined,
      waitingFor: null,
      soak: { totalMs: HOUR, remainingMs: HOUR / 2, endsAt: '2025-06-01T11:30:00.000Z' },
    };
    const markdown = renderDetails(status);
    expect(markdown.split('\n')[0]).toBe('## Soaking: `phase 1 of 2 (canary 90/10)`');
    expect(markdown).toContain('\n- **Soak** of 1h: ends 2025-06-01 11:30:00Z\n');
    const stopped = renderDetails({ ...status, soak: { totalMs: HOUR, remainingMs: HOUR / 2 } });
    expect(stopped).toContain('\n- **Soak** of 1h: 30m left, clock stopped\n');
  });

  it('shows what a waiting step last found, e.g. the rate the source still serves after 0/100', () => {
    const base = waitingStatus();
    const markdown = renderDetails({
      ...base,
      state: 'awaiting',
      pausedFrom: undefined,
      paused: undefined,
      waitingFor: 'source drained: under 0.1 requests/s for 5m (up to 1h)',
      stepIndex: 3,
      steps: [
        ...base.steps.slice(0, 3).map((step) => ({ ...step, state: 'done' as const })),
        {
          index: 3,
          kind: 'await',
          label: 'step 3 (source drained: under 0.1 requests/s for 5m)',
          state: 'running',
          outcome: 'source gateway istio-system/istio-ingressgateway still serves 2.5 requests/s now',
        },
      ],
    });
    expect(markdown).toContain('\n- **Waiting for** source drained: under 0.1 requests/s for 5m (up to 1h)');
    expect(markdown).toContain(
      '| ▶ | `step 3 (source drained: under 0.1 requests/s for 5m)` |  |  | source gateway istio-system/istio-ingressgateway still serves 2.5 requests/s now |',
    );
  });

  it('says who approved every remaining step, and the last breach', () => {
    const markdown = renderDetails({
      ...waitingStatus(),
      approvedAll: { by: 'dave', reason: 'change window', at: '2025-06-01T10:00:00.000Z' },
      breaches: [
        {
          check: 'target-5xx-ratio',
          value: 0.2,
          threshold: 0.01,
          pass: '<=',
          consecutive: 3,
          at: '2025-06-01T10:00:00.000Z',
          message: 'target-5xx-ratio = 0.2 failed <= 0.01',
        },
      ],
    });
    expect(markdown).toContain('\n- **Every remaining step approved** by dave: change window\n');
    expect(markdown).toContain('\n\n**Last breach**: target-5xx-ratio = 0.2 failed \\<= 0.01\n\n');
  });
});
