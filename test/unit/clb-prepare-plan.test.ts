// The CLB driver's plan for a raw cluster: the preparation steps before the first shift, their
// defaults, and the inputs it refuses, naming the field.
import { describe, expect, it } from 'vitest';
import {
  buildPlan,
  type ClbTraffic,
  PREPARE_ACTIONS,
  PREPARE_UNDO,
  preparationWrites,
  stepLabel,
} from '../../src/plan/index.js';
import { lbInput } from '../support/inputs.js';
import { refusal } from '../support/refusal.js';

function prepared(prepare: object, ids?: string[]) {
  const input = lbInput(ids);
  return { ...input, traffic: { ...input.traffic, prepare } };
}

describe('the CLB plan with a prepare section', () => {
  it('prepares, then waits for the full check, then shifts; the CLB step only when fixClb opts in', () => {
    const plan = buildPlan(prepared({ fixClb: true }));
    expect(plan.steps.slice(0, 8).map(stepLabel)).toEqual([
      'step 0 (make the CLB reusable)',
      'step 1 (annotate the source Service)',
      'step 2 (Istio gateway registered and healthy in every planned vServer group)',
      'step 3 (move the listeners to the planned vServer groups)',
      'step 4 (create the ASM gateway at weight 0)',
      'step 5 (copy the routing to ASM)',
      'step 6 (ASM gateway registered, healthy and answering every route)',
      'phase 0 (initial 100/0)',
    ]);
    expect(buildPlan(prepared({})).steps.map(stepLabel)).not.toContain('step 0 (make the CLB reusable)');
  });

  it('moves each listener to the planned group of its port, with its undo, and shows what it writes', () => {
    const plan = buildPlan(prepared({}));
    const move = plan.steps.find((step) => step.kind === 'action' && step.action === PREPARE_ACTIONS.moveListeners);
    if (move?.kind !== 'action') throw new Error('no listener move');
    expect(move.undo?.action).toBe(PREPARE_UNDO[PREPARE_ACTIONS.moveListeners]);
    const [lb] = (plan.traffic as ClbTraffic).loadBalancers;
    expect(preparationWrites(plan.traffic as ClbTraffic, move).map((write) => write.object)).toEqual(
      lb?.vServerGroups.map((group) => `CLB ${lb.id} listener ${group.listenerPort}`),
    );
    expect(move.preview).toContain(`VServerGroupId → ${lb?.vServerGroups[0]?.id}`);
  });

  it('names the ASM gateway after the target pods, in the target namespace, unless told; 10 minutes to be ready', () => {
    const traffic = buildPlan(prepared({})).traffic as ClbTraffic;
    expect(traffic.prepare).toEqual({
      fixClb: false,
      asmGateway: { name: 'ingressgateway-asm', namespace: 'istio-system' },
      readyTimeoutMs: 600_000,
    });
    const named = buildPlan(prepared({ asmGateway: { name: 'gw-asm', asmContext: 'asm' } })).traffic as ClbTraffic;
    expect(named.prepare?.asmGateway).toEqual({ name: 'gw-asm', namespace: 'istio-system', asmContext: 'asm' });
  });

  it('an input without it plans the prepared cluster as before: no action step', () => {
    expect(buildPlan(lbInput()).steps.some((step) => step.kind === 'action')).toBe(false);
  });

  it('refuses to prepare several CLBs, and unknown or mistyped fields, naming them', () => {
    expect(refusal(prepared({}, ['lb-one', 'lb-two'])).field).toBe('traffic.prepare');
    expect(refusal(prepared({ fixCLB: true })).field).toBe('traffic.prepare.fixCLB');
    expect(refusal(prepared({ fixClb: 'yes' })).field).toBe('traffic.prepare.fixClb');
    expect(refusal(prepared({ readyTimeout: 'soon' })).field).toBe('traffic.prepare.readyTimeout');
  });
});
