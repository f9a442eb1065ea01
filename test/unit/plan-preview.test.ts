// The preview of a plan as an operator reads it: every step in order with its writes on each CLB (the
// growing side first), whether it waits for a human, the share each CLB will apply, in the CLI's lines
// and the Web UI's markdown; and the canary upgrade's writes on the IstioGateway and the ASM API.
import { describe, expect, it } from 'vitest';
import { type PreviewReadings, planPreview } from '../../src/api/preview.js';
import type { Observation } from '../../src/api/records.js';
import { previewLines } from '../../src/cli/plan-text.js';
import { defaultWorkflowId } from '../../src/cli/start.js';
import { buildPlan, eniLayout, expectedShares, type SideWeights, shiftSteps } from '../../src/plan/index.js';
import { renderPreview } from '../../workflows/render-preview.js';
import { lbInput } from '../support/inputs.js';

const WEIGHT = 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-weight';
const plan = buildPlan(lbInput(['lb-a', 'lb-b']));

/** Shares as the router would predict them with 2 source and 3 target pods behind every CLB. */
function readings(ok = true): PreviewReadings {
  const observe = (id: string, weights: SideWeights): Observation => ({
    resource: `clb/${id}`,
    desired: weights,
    expected: expectedShares(weights, eniLayout(2), eniLayout(3)),
    effective: { source: 100, target: 0 },
    agrees: false,
    parts: [{ id: `rsp-${id}`, source: { backends: 2, weightSum: 100 }, target: { backends: 3, weightSum: 0 } }],
  });
  return {
    preflight: {
      ok,
      items: ok
        ? [{ item: 'CLB reusable', ok: true, status: 'pass', why: 'no tag' }]
        : [{ item: 'CLB reusable', ok: false, status: 'fail', why: 'tagged', fix: 'untag it', resource: 'clb/lb-a' }],
    },
    shares: shiftSteps(plan.steps).map((step) => ({
      step: step.index,
      observations: ['lb-a', 'lb-b'].map((id) => observe(id, step.weights)),
    })),
  };
}

describe('the preview of a CLB plan', () => {
  const preview = planPreview(plan, readings());

  it('lists every step in order, the growing side written first on every CLB', () => {
    expect(preview.steps.map((step) => step.label)).toEqual([
      'phase 0 (initial 100/0)',
      'phase 1 (canary 90/10)',
      'phase 2 (half 50/50)',
      'phase 3 (majority 10/90)',
      'phase 4 (final 0/100)',
      'step 5 (source drained: under 0.1 requests/s for 5m)',
      'completion',
    ]);
    expect(preview.steps[1]?.writes).toEqual([
      { resource: 'clb/lb-a', object: 'Service istio-system/istio-ingressgateway-asm', change: `${WEIGHT}: "10"` },
      { resource: 'clb/lb-b', object: 'Service istio-system/istio-ingressgateway-asm', change: `${WEIGHT}: "10"` },
      { resource: 'clb/lb-a', object: 'Service istio-system/istio-ingressgateway', change: `${WEIGHT}: "90"` },
      { resource: 'clb/lb-b', object: 'Service istio-system/istio-ingressgateway', change: `${WEIGHT}: "90"` },
    ]);
    expect(preview.steps[5]?.writes).toEqual([]);
    expect(preview.steps[6]?.writes).toEqual([]);
  });

  it('says which steps wait for a human and gives each phase the share the CCM arithmetic predicts', () => {
    expect(preview.steps.map((step) => step.approval)).toEqual([
      null,
      'manual',
      'manual',
      'manual',
      'manual',
      null,
      'auto',
    ]);
    // 90/10 with 2 source and 3 target pods: 45 per source pod, 3 per target pod.
    expect(preview.steps[1]?.shares).toEqual([
      { resource: 'clb/lb-a', shares: { source: 90.91, target: 9.09 } },
      { resource: 'clb/lb-b', shares: { source: 90.91, target: 9.09 } },
    ]);
    expect(preview.ready).toBe(true);
  });

  it('prints the steps, writes and shares, and says it is ready', () => {
    const lines = previewLines(preview);
    expect(lines.slice(0, 4)).toEqual([
      'preview of istio → asm (clb-annotation); nothing was written',
      'preflight: all 1 checks passed',
      'backends today: clb/lb-a: 2 source, 3 target backends in rsp-lb-a',
      'backends today: clb/lb-b: 2 source, 3 target backends in rsp-lb-b',
    ]);
    const phase1 = lines.indexOf('  1  phase 1 (canary 90/10), soak 1h: needs approval');
    expect(lines.slice(phase1, phase1 + 7)).toEqual([
      '  1  phase 1 (canary 90/10), soak 1h: needs approval',
      `       write  clb/lb-a  Service istio-system/istio-ingressgateway-asm: ${WEIGHT}: "10"`,
      `       write  clb/lb-b  Service istio-system/istio-ingressgateway-asm: ${WEIGHT}: "10"`,
      `       write  clb/lb-a  Service istio-system/istio-ingressgateway: ${WEIGHT}: "90"`,
      `       write  clb/lb-b  Service istio-system/istio-ingressgateway: ${WEIGHT}: "90"`,
      '       share  clb/lb-a  source / target 90.91% / 9.09%',
      '       share  clb/lb-b  source / target 90.91% / 9.09%',
    ]);
    expect(lines).toContain(
      '  5  step 5 (source drained: under 0.1 requests/s for 5m): waits up to 1h, then a human decides',
    );
    expect(lines).toContain('  6  completion: ends by itself after a passing soak, else needs approval');
    expect(lines.at(-1)).toMatch(/^ready: /);
  });

  it('says what blocks it when the pre-flight fails', () => {
    const lines = previewLines(planPreview(plan, readings(false)));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}FAIL +\[clb\/lb-a\] CLB reusable: tagged$/));
    expect(lines).toContainEqual(expect.stringMatching(/fix: untag it$/));
    expect(lines.at(-1)).toMatch(/^blocked: /);
  });

  it('runs as a workflow named after the plan, told apart from a migration', () => {
    expect(defaultWorkflowId(plan, new Date('2025-06-01T12:00:00Z'), 'gateshift-preview')).toBe(
      'gateshift-preview-clb-lb-a-20250601-120000',
    );
  });

  it('shows the same in the Web UI details, weights as code spans', () => {
    const markdown = renderPreview(preview);
    expect(markdown).toContain('## Preview: ready');
    expect(markdown).toContain('- **1** `phase 1 (canary 90/10)`, soak 1h: needs approval');
    expect(markdown).toContain(
      `  - write \`clb/lb-a\` Service istio-system/istio-ingressgateway-asm: \`${WEIGHT}: "10"\``,
    );
    expect(markdown).toContain('  - shares (source/target): `clb/lb-a` `90.91/9.09`, `clb/lb-b` `90.91/9.09`');
    expect(renderPreview(planPreview(plan, readings(false)))).toContain('## Preview: blocked by the pre-flight');
  });
});

describe('the preview of a canary upgrade', () => {
  const canary = buildPlan({
    traffic: {
      kind: 'asm-gateway-canary',
      mesh: { id: 'c08ba3fd1e6484b0f8cc1ad8fe10d1234', region: 'cn-hangzhou' },
      gateway: { name: 'ingressgateway' },
      targetVersion: 'v1.22.6.29-g4712daf0-aliyun',
    },
  });
  const preview = planPreview(canary, { preflight: { ok: true, items: [] } });

  it('writes the annotation on the IstioGateway and calls the ASM API, the upgrade approved on its own', () => {
    const writes = preview.steps.filter((step) => step.writes.length > 0);
    expect(writes.map((step) => [step.label, step.writes.map((write) => `${write.object}: ${write.change}`)])).toEqual([
      [
        'step 0 (deploy the canary)',
        ['IstioGateway istio-system/ingressgateway: + asm.alibabacloud.com/enable-canary-deployment: "true"'],
      ],
      [
        'step 3 (upgrade the gateway)',
        [
          'ASM API (cn-hangzhou): UpgradeMeshEditionPartially ServiceMeshId=c08ba3fd1e6484b0f8cc1ad8fe10d1234 UpgradeGatewayRecords=istio-system:ingressgateway ExpectedVersion=v1.22.6.29-g4712daf0-aliyun ASMGatewayContinue=true, PreCheck=true first, then PreCheck=false',
        ],
      ],
      [
        'step 5 (remove the canary)',
        ['IstioGateway istio-system/ingressgateway: - asm.alibabacloud.com/enable-canary-deployment'],
      ],
    ]);
    expect(preview.steps[3]?.irreversible).toBe(true);
    expect(previewLines(preview)).toContain(
      '  3  step 3 (upgrade the gateway): needs approval (its own: it cannot be undone)',
    );
    expect(preview.backends).toEqual([]);
  });
});
