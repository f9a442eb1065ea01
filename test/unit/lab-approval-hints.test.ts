// The demo's approval hints: the whole help when a gate opens, one reminder line every 15 s after.
import { describe, expect, it } from 'vitest';
import type { MigrationStatus } from '../../src/api/status.js';
import { approvalHints } from '../../src/lab/progress.js';
import { buildPlan } from '../../src/plan/index.js';
import { initialStatus } from '../../workflows/status.js';
import { lbInput } from '../support/inputs.js';

const START = Date.parse('2026-11-30T05:00:00Z');

function waiting(waitingFor: string): MigrationStatus {
  const status = initialStatus(buildPlan(lbInput()), 'm-1', new Date(START).toISOString());
  return { ...status, state: 'waiting-approval', waitingFor };
}

describe('approvalHints', () => {
  it('gives the whole help when a gate opens, then one line every 15 s while it waits', () => {
    const hint = approvalHints('http://127.0.0.1:8233');
    const gate = waiting('approval of phase 1 (canary 90/10)');
    const first = hint(gate, START);
    expect(first).toContain('npm run gateshift -- approve m-1');
    expect(first).toContain('http://127.0.0.1:8233/namespaces/default/workflows/m-1');
    expect(hint(gate, START + 14_000)).toBeUndefined();
    expect(hint(gate, START + 15_000)).toBe(
      'still waiting for approval of phase 1 (canary 90/10): npm run gateshift -- approve m-1',
    );
    expect(hint(gate, START + 20_000)).toBeUndefined();
    expect(hint(gate, START + 30_000)).toMatch(/^still waiting/);
  });

  it('shows what an action would change when its gate opens', () => {
    const status = waiting('approval of step 1 (annotate the source Service)');
    const steps = status.steps.map((step, i) => (i === 0 ? { ...step, preview: 'Service a/b: id: + "lb-1"' } : step));
    expect(approvalHints(undefined)({ ...status, steps }, START)).toMatch(
      /^waiting for approval of step 1 \(annotate the source Service\)\. It would change:\n {2}Service a\/b: id: \+ "lb-1"\nApprove with any of:\n/,
    );
  });

  it('starts over with the whole help at the next gate, and says nothing while not waiting', () => {
    const hint = approvalHints(undefined);
    hint(waiting('approval of phase 1 (canary 90/10)'), START);
    expect(hint({ ...waiting('x'), state: 'soaking' }, START + 60_000)).toBeUndefined();
    const next = hint(waiting('approval of phase 2 (half 50/50)'), START + 61_000);
    expect(next).toMatch(/^waiting for approval of phase 2 \(half 50\/50\)\. Approve with any of:/);
    expect(next).not.toContain('Web UI');
  });
});
