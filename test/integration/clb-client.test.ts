// The CLB client (the real Alibaba Cloud SDK underneath) against the SLB API emulator: every method,
// credentials from the default chain, and its behaviour on bad secrets, throttling, 5xx, not-found,
// RAM denials and slow answers; then effective weights read back through the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ClbClient } from '../../activities/clb/client.js';
import { readEffectiveWeights } from '../../activities/clb/read-effective.js';
import { reuseBlockingTags } from '../../activities/clb/reuse.js';
import { CloudApiError as ClbError } from '../../activities/cloud/errors.js';
import { credentials } from '../../activities/cloud/sdk.js';
import { pollUntil } from '../../activities/engine/poll.js';
import { type SlbEmulator, startSlbEmulator } from '../../src/lab/slb/server.js';
import type { Backend } from '../../src/lab/slb/state.js';
import { perBackendWeight } from '../../src/plan/weights.js';

const ACCESS_KEY_ID = 'LTAI5tLabAccessKey';
const ACCESS_KEY_SECRET = 'lab-secret-0123456789abcdef';
const LB = 'lb-bp1labclb000000000001';
const HTTP_GROUP = 'rsp-bp1labhttp0001';
const HTTPS_GROUP = 'rsp-bp1labhttps001';
const REGION = 'cn-hangzhou';
const FAST_RETRY = { maxAttempts: 8, initialDelayMs: 5, maxDelayMs: 40 };

const sourcePods = ['10.0.0.11', '10.0.0.12'];
const targetPods = ['10.0.1.21', '10.0.1.22', '10.0.1.23'];
const sourceService = { namespace: 'istio-system', name: 'istio-ingressgateway' };
const targetService = { namespace: 'istio-system', name: 'ingressgateway-asm' };

/** The backends the CCM would write for these annotation weights (ENI mode: one per pod). */
function ccmBackends(port: number, weights: { source: number; target: number }, target = targetPods): Backend[] {
  const side = (ips: string[], weight: number, service: string) =>
    ips.map((ip) => ({
      serverId: `eni-${ip.replaceAll('.', '')}`,
      serverIp: ip,
      port,
      weight: perBackendWeight(weight, ips.length),
      type: 'eni' as const,
      description: `k8s/${port === 8443 ? 443 : 80}/${service}/istio-system/c-lab`,
    }));
  return [...side(sourcePods, weights.source, sourceService.name), ...side(target, weights.target, targetService.name)];
}

/** mulberry32: a seeded generator, so the fault draws are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let emulator: SlbEmulator;
let client: ClbClient;
const ENV_KEYS = [
  'ALIBABA_CLOUD_ACCESS_KEY_ID',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'GATESHIFT_SLB_ENDPOINT',
  'GATESHIFT_SLB_PROTOCOL',
] as const;
const savedEnv = Object.fromEntries(ENV_KEYS.map((key) => [key, process.env[key]]));

async function failure(promise: Promise<unknown>): Promise<ClbError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ClbError);
  return error as ClbError;
}

const countCodes = (code: string) => emulator.requests.filter((request) => request.code === code).length;

beforeAll(async () => {
  emulator = await startSlbEmulator({ accessKeys: { [ACCESS_KEY_ID]: ACCESS_KEY_SECRET }, random: seeded(42) });
  const { state } = emulator;
  state.addLoadBalancer({
    id: LB,
    regionId: REGION,
    name: 'istio-ingress',
    address: '47.96.10.20',
    addressType: 'internet',
    tags: { 'kubernetes.do.not.delete': 'istio-ingressgateway', 'ack.aliyun.com': 'c-lab', team: 'edge' },
    listeners: [
      { port: 80, protocol: 'tcp' },
      { port: 443, protocol: 'tcp' },
    ],
  });
  state.addVServerGroup(LB, { id: HTTP_GROUP, name: 'http', listenerPorts: [80] });
  state.addVServerGroup(LB, { id: HTTPS_GROUP, name: 'https', listenerPorts: [443] });
  // The client reads its credentials from the default chain (environment) and its endpoint from GATESHIFT_*.
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = ACCESS_KEY_ID;
  process.env.ALIBABA_CLOUD_ACCESS_KEY_SECRET = ACCESS_KEY_SECRET;
  process.env.GATESHIFT_SLB_ENDPOINT = emulator.endpoint;
  process.env.GATESHIFT_SLB_PROTOCOL = 'http';
  client = new ClbClient({ regionId: REGION, retry: FAST_RETRY });
});

afterAll(async () => {
  for (const key of ENV_KEYS) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
  await emulator?.stop();
});

beforeEach(() => {
  Object.assign(emulator.faults, { throttleRate: 0, retryAfterMs: undefined, latencyMs: 0, serverErrorRate: 0 });
  emulator.faults.forbiddenActions.clear();
  emulator.requests.length = 0;
  emulator.state.setBackends(HTTP_GROUP, ccmBackends(8080, { source: 90, target: 10 }));
  emulator.state.setBackends(HTTPS_GROUP, ccmBackends(8443, { source: 90, target: 10 }));
  emulator.state.setModificationProtection(LB, 'NonProtection');
});

describe('reading a CLB', () => {
  it('describes address, listeners and modification protection', async () => {
    expect(await client.describeLoadBalancer(LB)).toEqual({
      id: LB,
      name: 'istio-ingress',
      status: 'active',
      address: '47.96.10.20',
      addressType: 'internet',
      listeners: [
        { port: 80, protocol: 'tcp' },
        { port: 443, protocol: 'tcp' },
      ],
      modificationProtection: { enabled: false },
      deleteProtection: false,
    });
    emulator.state.setModificationProtection(LB, 'ConsoleProtection', 'managed by the platform team');
    expect((await client.describeLoadBalancer(LB)).modificationProtection).toEqual({
      enabled: true,
      reason: 'managed by the platform team',
    });
  });

  it('lists every tag, across pages, and finds the ones that block reuse', async () => {
    const tags = await client.listTags(LB);
    expect(reuseBlockingTags(tags)).toEqual([
      { key: 'kubernetes.do.not.delete', value: 'istio-ingressgateway' },
      { key: 'ack.aliyun.com', value: 'c-lab' },
    ]);
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`extra-${i}`, String(i)]));
    emulator.state.setTags(LB, many);
    emulator.requests.length = 0;
    expect(await client.listTags(LB)).toHaveLength(63);
    expect(emulator.requests).toHaveLength(2);
    emulator.state.removeTags(LB, Object.keys(many));
  });

  it("reads every listener's scheduler and vServer group", async () => {
    emulator.state.setScheduler(LB, 443, 'sch');
    expect(await client.describeListeners(LB)).toEqual([
      { port: 80, protocol: 'tcp', scheduler: 'wrr', vServerGroupId: HTTP_GROUP },
      { port: 443, protocol: 'tcp', scheduler: 'sch', vServerGroupId: HTTPS_GROUP },
    ]);
    emulator.state.setScheduler(LB, 443, 'wrr');
  });

  it('lists the vServer groups with the listeners they serve', async () => {
    expect(await client.describeVServerGroups(LB)).toEqual([
      { id: HTTP_GROUP, name: 'http', serverCount: 5, listeners: [{ port: 80, protocol: 'tcp' }] },
      { id: HTTPS_GROUP, name: 'https', serverCount: 5, listeners: [{ port: 443, protocol: 'tcp' }] },
    ]);
  });

  it('reads the backends of a vServer group with their weights', async () => {
    const group = await client.describeVServerGroupBackends(HTTP_GROUP);
    expect(group).toMatchObject({ id: HTTP_GROUP, name: 'http', loadBalancerId: LB });
    expect(group.backends.map((backend) => [backend.serverIp, backend.weight])).toEqual([
      ['10.0.0.11', 45],
      ['10.0.0.12', 45],
      ['10.0.1.21', 3],
      ['10.0.1.22', 3],
      ['10.0.1.23', 3],
    ]);
    expect(group.backends[0]).toEqual({
      serverId: 'eni-100011',
      serverIp: '10.0.0.11',
      port: 8080,
      weight: 45,
      type: 'eni',
      description: 'k8s/80/istio-ingressgateway/istio-system/c-lab',
    });
  });

  it('reads the health of every backend, or of one listener', async () => {
    emulator.state.setHealth('10.0.1.23', 'abnormal');
    emulator.state.setHealth('10.0.1.22', 'unavailable', 8443);
    const all = await client.describeHealthStatus(LB);
    expect(all).toHaveLength(10);
    expect(all.filter((row) => row.status !== 'normal')).toEqual([
      {
        serverId: 'eni-100123',
        serverIp: '10.0.1.23',
        port: 8080,
        listenerPort: 80,
        protocol: 'tcp',
        status: 'abnormal',
      },
      {
        serverId: 'eni-100122',
        serverIp: '10.0.1.22',
        port: 8443,
        listenerPort: 443,
        protocol: 'tcp',
        status: 'unavailable',
      },
      {
        serverId: 'eni-100123',
        serverIp: '10.0.1.23',
        port: 8443,
        listenerPort: 443,
        protocol: 'tcp',
        status: 'abnormal',
      },
    ]);
    const https = await client.describeHealthStatus(LB, 443);
    expect(new Set(https.map((row) => row.listenerPort))).toEqual(new Set([443]));
    emulator.state.setHealth('10.0.1.23', 'normal');
    emulator.state.setHealth('10.0.1.22', 'normal', 8443);
  });
});

describe('opt-in remediation', () => {
  it('removes the blocking tags, and a second run changes nothing', async () => {
    await client.untagResources(LB, ['kubernetes.do.not.delete', 'ack.aliyun.com']);
    await client.untagResources(LB, ['kubernetes.do.not.delete', 'ack.aliyun.com']);
    expect(reuseBlockingTags(await client.listTags(LB))).toEqual([]);
    expect([...emulator.state.requireLoadBalancer(LB).tags.keys()]).toEqual(['team']);
    emulator.state.setTags(LB, { 'kubernetes.do.not.delete': 'istio-ingressgateway', 'ack.aliyun.com': 'c-lab' });
  });

  it('turns modification protection on and off', async () => {
    await client.setModificationProtection(LB, { enabled: true, reason: 'migration done' });
    expect(emulator.state.requireLoadBalancer(LB).modificationProtection).toEqual({
      status: 'ConsoleProtection',
      reason: 'migration done',
    });
    await client.setModificationProtection(LB, { enabled: false });
    expect((await client.describeLoadBalancer(LB)).modificationProtection.enabled).toBe(false);
  });
});

describe('failures', () => {
  it('surfaces a wrong secret as a non-retryable authentication failure, without the secret', async () => {
    const wrongSecret = 'not-the-lab-secret';
    const credential = new credentials.default(
      new credentials.Config({ type: 'access_key', accessKeyId: ACCESS_KEY_ID, accessKeySecret: wrongSecret }),
    );
    const badClient = new ClbClient({ regionId: REGION, credential, retry: FAST_RETRY });
    const error = await failure(badClient.describeLoadBalancer(LB));
    expect(error).toMatchObject({ type: 'ClbAuthFailed', nonRetryable: true });
    expect(error.message).toMatch(/AccessKey secret does not match the AccessKey id \(SignatureDoesNotMatch, request /);
    expect(error.message).not.toContain(wrongSecret);
    expect(JSON.stringify(error.details)).not.toContain(wrongSecret);
    expect(emulator.requests).toEqual([
      { action: 'DescribeLoadBalancerAttribute', status: 400, code: 'SignatureDoesNotMatch' },
    ]);
  });

  it('surfaces an unknown AccessKey id as an authentication failure', async () => {
    const credential = new credentials.default(
      new credentials.Config({ type: 'access_key', accessKeyId: 'LTAIunknown', accessKeySecret: 'x' }),
    );
    const error = await failure(new ClbClient({ regionId: REGION, credential }).describeVServerGroups(LB));
    expect(error).toMatchObject({ type: 'ClbAuthFailed', nonRetryable: true });
    expect(error.message).toContain('InvalidAccessKeyId.NotFound');
  });

  it('names credentials the chain cannot resolve, as retryable (an STS or token outage may pass)', async () => {
    const credential = new credentials.default(
      new credentials.Config({
        type: 'oidc_role_arn',
        roleArn: 'acs:ram::1234567890:role/gateshift',
        oidcProviderArn: 'acs:ram::1234567890:oidc-provider/ack-rrsa-c-lab',
        oidcTokenFilePath: '/var/run/secrets/nowhere/token',
      }),
    );
    const error = await failure(new ClbClient({ regionId: REGION, credential }).describeLoadBalancer(LB));
    expect(error).toMatchObject({ type: 'ClbCredentialsUnavailable', nonRetryable: false });
    expect(error.message).toContain('no usable Alibaba Cloud credentials for DescribeLoadBalancerAttribute');
    expect(emulator.requests).toHaveLength(0);
  });

  it('rides out 50% throttling with backoff', async () => {
    emulator.faults.throttleRate = 0.5;
    for (let i = 0; i < 10; i++)
      expect((await client.describeVServerGroupBackends(HTTP_GROUP)).backends).toHaveLength(5);
    expect(countCodes('Throttling.User')).toBeGreaterThan(2);
    expect(emulator.requests.filter((request) => request.status === 200)).toHaveLength(10);
  });

  it('waits at least x-acs-retry-after, and reports throttling that never ends as retryable', async () => {
    emulator.faults.throttleRate = 1;
    emulator.faults.retryAfterMs = 30;
    const retries: number[] = [];
    const throttled = new ClbClient({
      regionId: REGION,
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 100 },
      onRetry: (event) => retries.push(event.delayMs),
    });
    const error = await failure(throttled.describeLoadBalancer(LB));
    expect(error).toMatchObject({ type: 'ClbThrottled', nonRetryable: false });
    expect(retries).toEqual([30, 30]);
    expect(countCodes('Throttling.User')).toBe(3);
  });

  it('retries 5xx answers, and reports an outage as retryable', async () => {
    emulator.faults.serverErrorRate = 0.5;
    for (let i = 0; i < 5; i++) expect(await client.describeVServerGroups(LB)).toHaveLength(2);
    expect(countCodes('ServiceUnavailable') + countCodes('InternalError')).toBeGreaterThan(0);

    emulator.faults.serverErrorRate = 1;
    emulator.requests.length = 0;
    const error = await failure(client.describeVServerGroups(LB));
    expect(error).toMatchObject({ type: 'ClbUnavailable', nonRetryable: false });
    expect(emulator.requests).toHaveLength(FAST_RETRY.maxAttempts);
  });

  it('does not retry a CLB that does not exist, and names it', async () => {
    const error = await failure(client.describeLoadBalancer('lb-bp1doesnotexist000'));
    expect(error).toMatchObject({ type: 'ClbNotFound', nonRetryable: true });
    expect(error.message).toMatch(
      /^CLB lb-bp1doesnotexist000 \(cn-hangzhou\) does not exist \(InvalidLoadBalancerId\.NotFound/,
    );
    expect(emulator.requests).toHaveLength(1);

    const inOtherRegion = await failure(new ClbClient({ regionId: 'eu-central-1' }).describeVServerGroups(LB));
    expect(inOtherRegion.message).toContain(`CLB ${LB} (eu-central-1) does not exist`);

    const group = await failure(client.describeVServerGroupBackends('rsp-bp1doesnotexist'));
    expect(group).toMatchObject({ type: 'ClbNotFound', nonRetryable: true });
    expect(group.message).toContain('vServer group rsp-bp1doesnotexist (cn-hangzhou) does not exist');
  });

  it('does not retry a RAM denial, and names the action to grant', async () => {
    emulator.faults.forbiddenActions.add('DescribeVServerGroups');
    const error = await failure(client.describeVServerGroups(LB));
    expect(error).toMatchObject({ type: 'ClbForbidden', nonRetryable: true });
    expect(error.message).toContain(`may not call DescribeVServerGroups on CLB ${LB}`);
    expect(error.message).toContain('grant it the RAM action slb:DescribeVServerGroups (Forbidden.RAM');
    expect(error.info.ramAction).toBe('slb:DescribeVServerGroups');
    expect(emulator.requests).toHaveLength(1);
  });

  it('waits for a slow API, and gives up on one slower than the read timeout', async () => {
    emulator.faults.latencyMs = 300;
    const started = Date.now();
    await client.describeLoadBalancer(LB);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);

    emulator.faults.latencyMs = 1_000;
    const impatient = new ClbClient({
      regionId: REGION,
      readTimeoutMs: 200,
      retry: { maxAttempts: 2, initialDelayMs: 1 },
    });
    const error = await failure(impatient.describeLoadBalancer(LB));
    expect(error).toMatchObject({ type: 'ClbUnavailable', nonRetryable: false });
    expect(error.message).toContain('ReadTimeout');
  });
});

describe('effective weights read back through the API', () => {
  const request = (desired: { source: number; target: number }, target = targetPods) => ({
    loadBalancerId: LB,
    vServerGroupIds: [HTTP_GROUP, HTTPS_GROUP],
    desired,
    sides: () => ({
      source: { podIps: sourcePods, service: sourceService },
      target: { podIps: target, service: targetService },
    }),
  });

  it('90 over 2 pods and 10 over 3 pods: the target gets 9.09% on every group', async () => {
    const result = await readEffectiveWeights(client, request({ source: 90, target: 10 }));
    expect(result).toMatchObject({
      agrees: true,
      expected: { source: 90.91, target: 9.09 },
      effective: { source: 90.91, target: 9.09 },
    });
    expect(result.groups).toEqual([
      { id: HTTP_GROUP, sourceBackends: 2, targetBackends: 3, sourceWeightSum: 90, targetWeightSum: 9 },
      { id: HTTPS_GROUP, sourceBackends: 2, targetBackends: 3, sourceWeightSum: 90, targetWeightSum: 9 },
    ]);
  });

  it('weight 1 over 4 pods: 1 each, as the arithmetic says', async () => {
    const fourPods = [...targetPods, '10.0.1.24'];
    emulator.state.setBackends(HTTP_GROUP, ccmBackends(8080, { source: 99, target: 1 }, fourPods));
    emulator.state.setBackends(HTTPS_GROUP, ccmBackends(8443, { source: 99, target: 1 }, fourPods));
    const result = await readEffectiveWeights(client, request({ source: 99, target: 1 }, fourPods));
    expect(result.groups[0]).toMatchObject({ targetBackends: 4, targetWeightSum: 4, sourceWeightSum: 98 });
    expect(result).toMatchObject({ agrees: true, effective: { source: 96.08, target: 3.92 } });
  });

  it('polls until the CCM has applied a new weight, heartbeating every round', async () => {
    emulator.state.setBackends(HTTP_GROUP, ccmBackends(8080, { source: 100, target: 0 }));
    emulator.state.setBackends(HTTPS_GROUP, ccmBackends(8443, { source: 100, target: 0 }));
    const first = await readEffectiveWeights(client, request({ source: 90, target: 10 }));
    expect(first.agrees).toBe(false);
    expect(first.diff).toContain(`${HTTP_GROUP}: target 10.0.1.21:8080 has weight 0, expected 3`);

    // The lab's CCM catches up a moment later.
    const applied = setTimeout(() => {
      emulator.state.setBackends(HTTP_GROUP, ccmBackends(8080, { source: 90, target: 10 }));
      emulator.state.setBackends(HTTPS_GROUP, ccmBackends(8443, { source: 90, target: 10 }));
    }, 250);
    const heartbeats: number[] = [];
    const outcome = await pollUntil(
      () => readEffectiveWeights(client, request({ source: 90, target: 10 })),
      (weights) => weights.agrees,
      { timeoutMs: 5_000, intervalMs: 50, heartbeat: (_, round) => heartbeats.push(round) },
    );
    clearTimeout(applied);
    expect(outcome.done).toBe(true);
    expect(outcome.rounds).toBeGreaterThan(1);
    expect(heartbeats).toHaveLength(outcome.rounds);
    expect(outcome.last.effective).toEqual({ source: 90.91, target: 9.09 });
  });
});
