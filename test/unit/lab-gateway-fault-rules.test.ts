// Which faults a lab gateway pod injects: its gateway's, its version's (the larger error ratio wins),
// and never-ready for the canary's pods only.
import { describe, expect, it } from 'vitest';
import { noFaultRules, podFaults } from '../../src/lab/gateway-fault-rules.js';

describe('podFaults', () => {
  const rules = {
    gateways: { 'ingressgateway-asm': { errorRatio: 0.1, addedLatencyMs: 30 } },
    versionErrorRatio: { version: '1.22.6.29', ratio: 0.5 },
    canaryNeverReady: true,
  };

  it('gives a pod its gateway faults, and the larger error ratio of its gateway and its version', () => {
    expect(podFaults(rules, { gateway: 'ingressgateway-asm', revision: '1.20.6.29', canary: false })).toEqual({
      errorRatio: 0.1,
      addedLatencyMs: 30,
      neverReady: false,
    });
    expect(podFaults(rules, { gateway: 'ingressgateway-asm', revision: '1.22.6.29', canary: true })).toEqual({
      errorRatio: 0.5,
      addedLatencyMs: 30,
      neverReady: true,
    });
    expect(podFaults(rules, { gateway: 'ingressgateway', revision: 'latest', canary: false })).toEqual({
      errorRatio: 0,
      addedLatencyMs: 0,
      neverReady: false,
    });
  });

  it('gives no fault without rules', () => {
    expect(podFaults(noFaultRules(), { gateway: 'ingressgateway-asm', canary: true })).toEqual({
      errorRatio: 0,
      addedLatencyMs: 0,
      neverReady: false,
    });
  });
});
