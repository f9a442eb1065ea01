// What the pre-flight tells an operator when a check could not be made, without a cluster or a cloud:
// the reason in a few words, the advice that fits it (never a permission grant for a missing resource,
// the credential chain that was tried), the summary line that leads the checklist, the labels next to a
// selector that matches nothing, and the shares the CCM will really apply.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { explainUnchecked } from '../../activities/checklist-causes.js';
import { credentialChain, describeChain } from '../../activities/credential-chain.js';
import { nearbyLabels, type PodsFound } from '../../activities/drivers/clb-annotation/preflight/pod-checks.js';
import {
  type ClbLayouts,
  sharesAsWeightsSay,
  weightsCoverBackends,
} from '../../activities/drivers/clb-annotation/preflight/share-checks.js';
import type { LabelledPod } from '../../activities/kube/namespace-pods.js';
import { checklistSummary, preflightFailure } from '../../src/api/checklist.js';
import type { ChecklistItem } from '../../src/api/records.js';
import { type BackendLayout, buildPlan, type ClbTraffic, eniLayout, type MigrationPlan } from '../../src/plan/index.js';
import { lbInput } from '../support/inputs.js';

const failed = (type: string, message: string, details: object) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });

const item = (status: ChecklistItem['status'], cause?: string): ChecklistItem => ({
  item: `an item ${status}`,
  ok: status === 'pass' || status === 'warn',
  status,
  why: 'because',
  cause,
});

describe('the summary line', () => {
  it('says all passed in one line, warnings counted', () => {
    expect(checklistSummary([item('pass'), item('pass')])).toBe('all 2 checks passed');
    expect(checklistSummary([item('pass'), item('warn')])).toBe('all 2 checks passed, 1 with a warning');
  });

  it('leads with why checks could not run, grouping the same reason', () => {
    const items = [
      ...Array.from({ length: 6 }, () => item('unchecked', 'no kubeconfig')),
      ...Array.from({ length: 10 }, () => item('unchecked', 'no Alibaba Cloud credentials')),
    ];
    expect(checklistSummary(items)).toBe('no kubeconfig and no Alibaba Cloud credentials: 0 of 16 checks could run');
    expect(
      checklistSummary([
        item('unchecked', 'access denied: slb:DescribeHealthStatus'),
        item('unchecked', 'access denied: slb:DescribeVServerGroups'),
        item('fail'),
        item('pass'),
      ]),
    ).toBe('access denied (slb:DescribeHealthStatus, slb:DescribeVServerGroups): 2 of 4 checks could run, 1 failed');
    expect(checklistSummary([item('fail'), item('pass'), item('pass')])).toBe('1 of 3 checks failed');
  });

  it('makes a short failure message: the summary and the first item that stands in the way, cut short', () => {
    const items = [
      {
        ...item('unchecked', 'no kubeconfig'),
        item: 'source gateway has ready pods',
        why: 'could not check: no kubeconfig',
      },
      { ...item('unchecked', 'no kubeconfig'), item: 'CLB reusable', resource: 'clb/lb-a' },
      { ...item('fail'), item: 'x' },
      item('pass'),
    ];
    expect(preflightFailure(items)).toBe(
      'pre-flight failed, nothing was changed: no kubeconfig: 2 of 4 checks could run, 1 failed. First: source gateway has ready pods: could not check: no kubeconfig (and 2 more)',
    );
    const long = preflightFailure([{ ...item('fail'), item: 'routes', why: `${'x'.repeat(300)}\nmore` }]);
    expect(long).toBe(
      `pre-flight failed, nothing was changed: 1 of 1 checks failed. First: routes: ${'x'.repeat(199)}…`,
    );
  });
});

describe('an unchecked item', () => {
  it('treats a missing CLB as a matter of the input, never of permissions', () => {
    const error = failed('ClbNotFound', 'CLB lb-typo (cn-hangzhou) does not exist', {
      action: 'DescribeLoadBalancerAttribute',
      resource: 'CLB lb-typo',
      regionId: 'cn-hangzhou',
    });
    const advice = 'check traffic.loadBalancers[0].id ("lb-typo") and traffic.loadBalancers[0].region in the input';
    expect(explainUnchecked(error, { notFound: advice })).toEqual({
      cause: 'not found: CLB lb-typo in cn-hangzhou',
      why: 'CLB lb-typo in cn-hangzhou does not exist',
      fix: advice,
    });
    expect(explainUnchecked(error).fix).not.toMatch(/grant|permission/);
  });

  it('names the exact RAM action a denial needs', () => {
    const error = failed('ClbForbidden', 'denied', {
      action: 'DescribeHealthStatus',
      resource: 'CLB lb-a',
      regionId: 'cn-hangzhou',
      ramAction: 'slb:DescribeHealthStatus',
    });
    expect(explainUnchecked(error)).toEqual({
      cause: 'access denied: slb:DescribeHealthStatus',
      why: "the worker's RAM identity may not call DescribeHealthStatus on CLB lb-a in cn-hangzhou",
      fix: "grant the worker's RAM identity slb:DescribeHealthStatus on CLB lb-a",
    });
  });

  it('names the credential chain that was tried, not the library noise', () => {
    const error = failed(
      'ClbCredentialsUnavailable',
      'no usable Alibaba Cloud credentials for DescribeLoadBalancerAttribute: unable to get credentials from any of the providers in the chain: … getaddrinfo ENOTFOUND undefinedGET https://undefined/ failed.',
      { action: 'DescribeLoadBalancerAttribute', resource: 'CLB lb-a', regionId: 'cn-hangzhou' },
    );
    const saved = { ...process.env };
    for (const name of Object.keys(process.env)) if (name.startsWith('ALIBABA_CLOUD_')) delete process.env[name];
    process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = 'true';
    process.env.HOME = mkdtempSync(join(tmpdir(), 'gateshift-home-'));
    try {
      const explained = explainUnchecked(error);
      expect(explained.cause).toBe('no Alibaba Cloud credentials');
      expect(explained.why).toContain('tried ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET (not set); RRSA (');
      expect(explained.why).toContain('the ECS RAM role (disabled by ALIBABA_CLOUD_ECS_METADATA_DISABLED)');
      expect(explained.why).not.toContain('undefined');
      expect(explained.fix).toContain('ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET');
    } finally {
      process.env = saved;
    }
  });

  it('says the worker has no kubeconfig, and a missing object names the input field', () => {
    const noConfig = failed('KubeConfigInvalid', 'no kubeconfig: set KUBECONFIG, provide ~/.kube/config, …', {});
    expect(explainUnchecked(noConfig)).toMatchObject({ cause: 'no kubeconfig', why: 'the worker has no kubeconfig' });
    const missing = failed('KubeNotFound', 'get Service istio-system/istio-ingressgatewy: not found', {
      verb: 'get',
      resource: 'services',
      namespace: 'istio-system',
      name: 'istio-ingressgatewy',
    });
    expect(explainUnchecked(missing, { notFound: 'check traffic.source.service in the input' })).toEqual({
      cause: 'not found: services istio-system/istio-ingressgatewy',
      why: 'services istio-system/istio-ingressgatewy does not exist',
      fix: 'check traffic.source.service in the input',
    });
  });

  it('keeps the message of an error it cannot explain, and leaves the fix to the check', () => {
    expect(explainUnchecked(new Error('socket hang up'))).toEqual({ cause: 'an error', why: 'socket hang up' });
  });
});

describe('the credential chain', () => {
  it('lists every provider the default chain tries, in order, with what is there', () => {
    const home = mkdtempSync(join(tmpdir(), 'gateshift-home-'));
    mkdirSync(join(home, '.aliyun'));
    writeFileSync(join(home, '.aliyun', 'config.json'), '{}');
    const chain = credentialChain({ ALIBABA_CLOUD_ROLE_ARN: 'acs:ram::1:role/x' }, home);
    expect(describeChain(chain)).toBe(
      [
        'ALIBABA_CLOUD_ACCESS_KEY_ID and _SECRET (not set)',
        'RRSA (ALIBABA_CLOUD_ROLE_ARN, ALIBABA_CLOUD_OIDC_PROVIDER_ARN, ALIBABA_CLOUD_OIDC_TOKEN_FILE) (only ALIBABA_CLOUD_ROLE_ARN set)',
        'the CLI profile ~/.aliyun/config.json (present)',
        'the credentials file ~/.alibabacloud/credentials (absent)',
        'the ECS RAM role (none from the metadata service)',
        'ALIBABA_CLOUD_CREDENTIALS_URI (not set)',
      ].join('; '),
    );
    expect(chain.filter((source) => source.configured).map((source) => source.name)).toHaveLength(2);
  });
});

describe('a selector that matches no pod', () => {
  it('shows the values the namespace has for the selector key', () => {
    const pods: LabelledPod[] = [
      { name: 'istio-ingressgateway-1', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      { name: 'istio-ingressgateway-2', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
      { name: 'ingressgateway-asm-1', labels: { istio: 'ingressgateway-asm' } },
    ];
    expect(nearbyLabels('istio-system', { istio: 'ingresgateway-asm' }, pods)).toBe(
      'pods in istio-system carry istio=ingressgateway (2 pods), istio=ingressgateway-asm (1 pod)',
    );
  });

  it('shows a few pods with their labels when none has the key, and says when there is no pod at all', () => {
    const pods = Array.from({ length: 4 }, (_, i) => ({ name: `web-${i}`, labels: { app: 'web' } }));
    expect(nearbyLabels('default', { istio: 'ingressgateway' }, pods)).toBe(
      'no pod in default has the label istio; pods there: web-0 (app=web); web-1 (app=web); web-2 (app=web); and 1 more',
    );
    expect(nearbyLabels('default', { istio: 'ingressgateway' }, [])).toBe('there is no pod in default at all');
  });
});

describe('the shares each phase really gives the target', () => {
  const plan = (phases?: Parameters<typeof lbInput>[1]) =>
    buildPlan(lbInput(['lb-a', 'lb-b'], phases)) as MigrationPlan & { traffic: ClbTraffic };
  const pods = (count: number, side: string): PodsFound => ({
    item: { item: `${side} gateway has ready pods`, ok: true, status: 'pass', why: '' },
    ready: {
      gateway: side,
      pods: Array.from({ length: count }, (_, i) => ({ name: `${side}-${i}`, ip: `10.0.0.${i}` })),
    },
    placed: Array.from({ length: count }, (_, i) => ({ ip: `10.0.0.${i}` })),
  });
  /** Both CLBs with the same backends on each side. */
  const behind = (source: BackendLayout, target: BackendLayout): ClbLayouts[] =>
    plan().traffic.loadBalancers.map((lb) => ({ lb, layouts: { source, target } }));
  const eni = (sourcePods: number, targetPods: number) => behind(eniLayout(sourcePods), eniLayout(targetPods));

  it('passes when every phase is close to what its weights say', () => {
    const shares = sharesAsWeightsSay(plan(), eni(2, 2), pods(2, 'source'), pods(2, 'target'));
    expect(shares.status).toBe('pass');
    expect(shares.why).toBe(
      'with 2 source and 2 target pod(s) behind every CLB (lb-a, lb-b), the target gets: phase 0 (initial 100/0) 0%, phase 1 (canary 90/10) 10%, phase 2 (half 50/50) 50%, phase 3 (majority 10/90) 90%, phase 4 (final 0/100) 100%',
    );
  });

  it('warns, without refusing, about a 70/10 phase and about more target pods than its weight', () => {
    const seventy = sharesAsWeightsSay(
      plan([
        { sourceWeight: 100, targetWeight: 0 },
        { sourceWeight: 70, targetWeight: 10 },
        { sourceWeight: 0, targetWeight: 100 },
      ]),
      eni(2, 2),
      pods(2, 'source'),
      pods(2, 'target'),
    );
    expect(seventy).toMatchObject({ ok: true, status: 'warn' });
    expect(seventy.why).toContain('phase 1 (70/10) gives the target 12.5%, not 10%');
    expect(seventy.fix).toContain('change the weights of phases[1]');
    const crowded = sharesAsWeightsSay(plan(), eni(2, 20), pods(2, 'source'), pods(20, 'target'));
    expect(crowded.why).toContain('phase 1 (canary 90/10) gives the target 18.18%, not 10%');
  });

  it('could not be checked without the pods, and says why', () => {
    const missing: PodsFound = {
      item: { item: 'target gateway has ready pods', ok: false, status: 'unchecked', why: '' },
      missing: { cause: 'no kubeconfig', why: 'the worker has no kubeconfig' },
    };
    expect(sharesAsWeightsSay(plan(), [], pods(2, 'source'), missing)).toMatchObject({
      ok: false,
      status: 'unchecked',
      cause: 'no kubeconfig',
      why: 'could not check: the worker has no kubeconfig (see "target gateway has ready pods")',
    });
  });

  it('counts node backends in Local and Cluster mode', () => {
    // Source on 3 nodes (Cluster): 90 → 30 each; target Local on nodes with 3 and 1 pods: 10 → 7 and 2.
    const nodes = behind(
      { mode: 'cluster', podsPerNode: [1, 1], nodes: 3 },
      { mode: 'local', podsPerNode: [3, 1], nodes: 3 },
    );
    const shares = sharesAsWeightsSay(plan(), nodes, pods(2, 'source'), pods(4, 'target'));
    expect(shares.why).toContain(
      'with the source on 3 nodes (Cluster) and the target on 2 nodes running 4 pods (Local) behind every CLB (lb-a, lb-b), the target gets: phase 0 (initial 100/0) 0%, phase 1 (canary 90/10) 9.09%',
    );
  });

  it("flags a phase whose weight is under its side's backend count, with the share the CLB applies", () => {
    const covered = weightsCoverBackends(plan(), eni(2, 3), pods(2, 'source'), pods(3, 'target'));
    expect(covered).toMatchObject({ status: 'pass', why: 'no phase gives a side less weight than it has backends' });
    // 10 over 12 target nodes running a pod each (Local): each gets 1, 12 in all against 90 over 2 pods.
    const local = behind(eniLayout(2), { mode: 'local', podsPerNode: Array(12).fill(1), nodes: 12 });
    const flagged = weightsCoverBackends(plan(), local, pods(2, 'source'), pods(12, 'target'));
    expect(flagged).toMatchObject({ ok: true, status: 'warn' });
    expect(flagged.why).toBe(
      'phase 1 (canary 90/10) on every CLB (lb-a, lb-b): the target weight 10 is under its 12 backends (12 nodes running 12 pods (Local)), each of which gets at least 1, so the CLB applies 88.24% to the source and 11.76% to the target, not 90/10',
    );
    expect(flagged.fix).toContain('raise the small weight of phases[1] to at least the backend count');
  });
});
