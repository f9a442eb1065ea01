// The canary-cluster plan: the preparation (with its undo) before the phases, weights that sum to 100
// as Istio requires, analysis comparing the remote destination with the local one, the VirtualService
// locked, and mistakes refused by field.
import { describe, expect, it } from 'vitest';
import { buildPlan, stepLabel, type VirtualServiceTraffic } from '../../src/plan/index.js';
import { refusal } from '../support/refusal.js';

const input = (traffic: Record<string, unknown> = {}, rest: Record<string, unknown> = {}) => ({
  traffic: {
    kind: 'virtualservice',
    virtualService: { namespace: 'default', name: 'bookinfo' },
    local: { host: 'productpage', port: 9080 },
    remote: { host: 'v2.example.com', address: '20.61.10.5' },
    gateway: { namespace: 'istio-system', selector: { istio: 'ingressgateway' }, workload: 'istio-ingressgateway' },
    ...traffic,
  },
  routes: [{ host: 'bookinfo.example.com', path: '/productpage' }],
  ...rest,
});

describe('the virtualservice plan', () => {
  it('prepares (ServiceEntry, remote destination at 0, each with its undo), then shifts phase by phase', () => {
    const plan = buildPlan(input());
    expect(plan.steps.map(stepLabel)).toEqual([
      'step 0 (ServiceEntry for the target ingress)',
      'step 1 (remote destination at weight 0)',
      'phase 0 (initial 100/0)',
      'phase 1 (canary 90/10)',
      'phase 2 (half 50/50)',
      'phase 3 (majority 10/90)',
      'phase 4 (final 0/100)',
      'completion',
    ]);
    expect(plan.steps[0]).toMatchObject({
      action: 'ensure-service-entry',
      undo: { action: 'remove-service-entry' },
      undoOnRollback: true,
      irreversible: false,
      preview: 'ServiceEntry default/gateshift-v2-example-com: v2.example.com:80 → 20.61.10.5 (MESH_EXTERNAL, STATIC)',
    });
    expect(plan.steps[1]).toMatchObject({
      action: 'add-remote-destination',
      undo: { action: 'remove-remote-destination' },
      preview:
        'VirtualService default/bookinfo: + destination v2.example.com:80 weight 0 on every route to productpage',
    });
    expect(plan.restore).toEqual({ source: 100, target: 0 });
    expect(plan.locks).toEqual(['virtualservice/default/bookinfo']);
  });

  it('locks the VirtualService of its own cluster: the context is part of the key', () => {
    expect(buildPlan(input({ kubeContext: 'source' })).locks).toEqual(['virtualservice/source/default/bookinfo']);
  });

  it("compares the remote destination's errors and latency with the local one's on the gateway's metrics", () => {
    const checks = buildPlan(input()).analysis.checks;
    expect(checks.map((check) => check.name)).toEqual([
      'remote-5xx-ratio',
      'remote-p99-latency-ms',
      'remote-request-rate',
      'remote-vs-source-5xx-ratio',
      'remote-vs-source-p99-latency-ms',
    ]);
    expect(checks[4]?.query).toContain('destination_service="productpage.default.svc.cluster.local"');
    expect(checks[4]?.threshold).toBe(1000);
    const gateway = 'reporter="source",source_workload="istio-ingressgateway",source_workload_namespace="istio-system"';
    expect(checks[0]?.query).toContain(`${gateway},destination_service="v2.example.com"`);
    expect(checks[3]?.query).toContain(`${gateway},destination_service="productpage.default.svc.cluster.local"`);
  });

  it('names the ServiceEntry as asked, and reads the address from a target Service when given one', () => {
    const traffic = buildPlan(
      input({
        remote: {
          host: 'v2.example.com',
          port: 8080,
          service: { kubeContext: 'target', namespace: 'aks-istio-ingress', name: 'aks-istio-ingressgateway-external' },
          serviceEntry: 'target-cluster-http',
        },
      }),
    ).traffic as VirtualServiceTraffic;
    expect(traffic.remote).toEqual({
      host: 'v2.example.com',
      port: 8080,
      service: { kubeContext: 'target', namespace: 'aks-istio-ingress', name: 'aks-istio-ingressgateway-external' },
      serviceEntry: 'target-cluster-http',
    });
  });

  it('refuses phases whose weights do not sum to 100: Istio would refuse the route', () => {
    const error = refusal(
      input(
        {},
        {
          phases: [
            { sourceWeight: 100, targetWeight: 0 },
            { sourceWeight: 60, targetWeight: 50 },
          ],
        },
      ),
    );
    expect(error.field).toBe('phases[1]');
    expect(error.problem).toContain('must sum to 100');
  });

  it('refuses a remote without an address or a Service, or with both', () => {
    expect(refusal(input({ remote: { host: 'v2.example.com' } })).field).toBe('traffic.remote.address');
    const both = refusal(
      input({
        remote: {
          host: 'v2.example.com',
          address: '20.61.10.5',
          service: { kubeContext: 't', namespace: 'a', name: 'b' },
        },
      }),
    );
    expect(both.problem).toBe('give either address or service, not both');
  });

  it('refuses the local host as remote, a route listed twice, no probe route, and a bad address', () => {
    expect(refusal(input({ remote: { host: 'productpage', address: '20.61.10.5' } })).field).toBe(
      'traffic.remote.host',
    );
    expect(refusal(input({ httpRoutes: ['main', 'main'] })).field).toBe('traffic.httpRoutes[1]');
    expect(refusal(input({}, { routes: [] })).field).toBe('routes');
    expect(refusal(input({ remote: { host: 'v2.example.com', address: 'target-ingress' } })).field).toBe(
      'traffic.remote.address',
    );
  });
});
