// Migration inputs for tests and benchmarks: the two bookinfo gateways of the ASM procedure in front
// of the given CLBs, each with two vServer groups, and the bookinfo route the pre-flight probes.
import type { MigrationInput } from '../../src/plan/index.js';

/** An input of the CLB-annotation driver, its `traffic` typed as such. */
export type ClbInput = Omit<MigrationInput, 'traffic'> & {
  traffic: Extract<MigrationInput['traffic'], { kind: 'clb-annotation' }>;
};

/** The source and target gateways of the ASM procedure in istio-system, fresh objects on each call. */
export function bookinfoGateways() {
  return {
    source: { namespace: 'istio-system', service: 'istio-ingressgateway', selector: { istio: 'ingressgateway' } },
    target: {
      namespace: 'istio-system',
      service: 'istio-ingressgateway-asm',
      selector: { istio: 'ingressgateway-asm' },
    },
  };
}

export function lbInput(ids: string[] = ['lb-test1'], phases?: MigrationInput['phases']): ClbInput {
  return {
    title: 'istio → asm',
    traffic: {
      kind: 'clb-annotation',
      ...bookinfoGateways(),
      loadBalancers: ids.map((id, i) => ({
        id,
        region: 'cn-hangzhou',
        vServerGroups: [
          { id: `rsp-${i}a`, port: 80 },
          { id: `rsp-${i}b`, port: 443 },
        ],
      })),
    },
    phases,
    routes: [{ host: 'bookinfo.example.com', path: '/productpage', port: 8080 }],
  };
}
