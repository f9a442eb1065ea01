// The lab ASM control plane's rolling update, step by step: within maxSurge/maxUnavailable, one pod
// at a time, a new pod available before an old one is retired, held half-way when stalled.
import { describe, expect, it } from 'vitest';
import { nextRolloutStep, type RolloutPod, type RolloutSpec, resolveLimit } from '../../src/lab/asm/rollout.js';

const OLD = '1.20.6.29';
const NEW = '1.22.6.29';

const pod = (name: string, version: string, available = true, terminating = false): RolloutPod => ({
  name,
  version,
  available,
  terminating,
});

/** Plays the roll to its end, each step applied at once; returns the steps and the pod counts seen. */
function play(pods: RolloutPod[], spec: RolloutSpec) {
  const steps: string[] = [];
  let live = [...pods];
  let created = 0;
  for (let i = 0; i < 50; i++) {
    const step = nextRolloutStep(live, spec);
    steps.push(step.kind === 'retire' ? `retire ${step.pod}` : step.kind);
    if (step.kind === 'create') live.push(pod(`new-${created++}`, spec.version));
    else if (step.kind === 'retire') live = live.filter((candidate) => candidate.name !== step.pod);
    else break;
  }
  return { steps, live };
}

describe('resolveLimit', () => {
  it('reads an absolute number or a percentage of the replicas, surge rounded up and unavailable down', () => {
    expect(resolveLimit('25%', 3, true)).toBe(1);
    expect(resolveLimit('25%', 3, false)).toBe(0);
    expect(resolveLimit(undefined, 8, false)).toBe(2);
    expect(resolveLimit(2, 3, true)).toBe(2);
    expect(resolveLimit('1', 3, false)).toBe(1);
  });
});

describe('nextRolloutStep', () => {
  const three = [pod('a', OLD), pod('b', OLD), pod('c', OLD)];

  it('with 25%/25% of 3, surges by one and retires an old pod only once the new one is available', () => {
    expect(play(three, { replicas: 3, version: NEW }).steps).toEqual([
      'create',
      'retire a',
      'create',
      'retire b',
      'create',
      'retire c',
      'done',
    ]);
    expect(nextRolloutStep([...three, pod('n', NEW, false)], { replicas: 3, version: NEW })).toEqual({ kind: 'wait' });
  });

  it('waits while a retired pod still drains', () => {
    const draining = [pod('a', OLD, false, true), pod('b', OLD), pod('c', OLD), pod('n', NEW)];
    expect(nextRolloutStep(draining, { replicas: 3, version: NEW })).toEqual({ kind: 'wait' });
  });

  it('without surge, retires first within maxUnavailable', () => {
    const { steps } = play(three, { replicas: 3, version: NEW, maxSurge: 0, maxUnavailable: 1 });
    expect(steps).toEqual(['retire a', 'create', 'retire b', 'create', 'retire c', 'create', 'done']);
  });

  it('treats 0 surge and 0 unavailable as 1 unavailable, as a Deployment does', () => {
    expect(nextRolloutStep(three, { replicas: 3, version: NEW, maxSurge: 0, maxUnavailable: 0 })).toEqual({
      kind: 'retire',
      pod: 'a',
    });
  });

  it('retires an unavailable old pod before an available one', () => {
    const pods = [pod('a', OLD), pod('b', OLD, false), pod('c', OLD), pod('n', NEW)];
    expect(nextRolloutStep(pods, { replicas: 3, version: NEW })).toEqual({ kind: 'retire', pod: 'b' });
  });

  it('holds half-way when stalled', () => {
    const { steps, live } = play(three, { replicas: 3, version: NEW, stalled: true });
    expect(steps.at(-1)).toBe('wait');
    expect(live.filter((candidate) => candidate.version === NEW)).toHaveLength(2);
    expect(live.filter((candidate) => candidate.version === OLD).length).toBeGreaterThan(0);
  });

  it('scales without a version change: creates the missing pods, retires the extra ones', () => {
    expect(play([pod('a', NEW)], { replicas: 2, version: NEW }).steps).toEqual(['create', 'done']);
    expect(play([pod('a', NEW), pod('b', NEW)], { replicas: 1, version: NEW }).steps).toEqual(['retire b', 'done']);
  });

  it('waits for a canary that never gets available', () => {
    expect(play([], { replicas: 1, version: NEW }).steps).toEqual(['create', 'done']);
    expect(nextRolloutStep([pod('canary', NEW, false)], { replicas: 1, version: NEW })).toEqual({ kind: 'wait' });
  });
});
