// The lab gateways' route table: Istio's Gateway selection and VirtualService binding, with the bookinfo
// samples from the shared fixtures, and Envoy's virtual-host choice.
import { describe, expect, it } from 'vitest';
import { RouteTable } from '../../src/lab/gateway/routes.js';
import { bookinfo, type IstioObject, selecting } from '../support/lab-bookinfo.js';

const ISTIO = { istio: 'ingressgateway', app: 'istio-ingressgateway' };
const ASM = { istio: 'ingressgateway-asm' };
const { gateway, virtualService } = bookinfo();
const PRODUCTPAGE = {
  gateway: 'bookinfo/bookinfo-gateway',
  virtualService: 'bookinfo/bookinfo',
  destinationService: 'productpage.bookinfo.svc.cluster.local',
};

function table(gateways: unknown[], virtualServices: unknown[]): RouteTable {
  const routes = new RouteTable();
  routes.setGateways(gateways);
  routes.setVirtualServices(virtualServices);
  return routes;
}

function virtualServiceFor(name: string, spec: Record<string, unknown>, namespace = 'bookinfo'): IstioObject {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec };
}

describe('RouteTable', () => {
  it("routes the bookinfo paths on the pods the Gateway selects, and nothing else (Envoy's 404)", () => {
    const routes = table([gateway], [virtualService]);
    expect(routes.lookup(ISTIO, 'bookinfo.example.com', '/productpage')).toEqual(PRODUCTPAGE);
    expect(routes.lookup(ISTIO, 'Bookinfo.Example.com:80', '/productpage?u=normal')).toEqual(PRODUCTPAGE);
    expect(routes.lookup(ISTIO, 'bookinfo.example.com', '/static/style.css')).toEqual(PRODUCTPAGE);
    expect(routes.lookup(ISTIO, 'bookinfo.example.com', '/')).toBeUndefined();
    expect(routes.lookup(ISTIO, 'bookinfo.example.com', '/productpage/more')).toBeUndefined();
    expect(routes.lookup(ASM, 'bookinfo.example.com', '/productpage')).toBeUndefined();
  });

  it('routes on the ASM gateway with the copied Gateway (selector rewritten, VirtualService unchanged)', () => {
    const asm = table([selecting(gateway, 'ingressgateway-asm')], [virtualService]);
    expect(asm.lookup(ASM, 'bookinfo.example.com', '/login')).toEqual({
      ...PRODUCTPAGE,
      gateway: 'bookinfo/bookinfo-gateway',
    });
    expect(asm.lookup(ISTIO, 'bookinfo.example.com', '/login')).toBeUndefined();
  });

  it('needs both the Gateway and a VirtualService bound to it', () => {
    expect(table([], [virtualService]).lookup(ISTIO, 'a.example.com', '/productpage')).toBeUndefined();
    expect(table([gateway], []).lookup(ISTIO, 'a.example.com', '/productpage')).toBeUndefined();
    const meshOnly = virtualServiceFor('mesh-only', { hosts: ['*'], http: [{ route: [] }] });
    expect(table([gateway], [meshOnly]).lookup(ISTIO, 'a.example.com', '/')).toBeUndefined();
  });

  it('binds a VirtualService of another namespace only through <namespace>/<name>', () => {
    const spec = { hosts: ['*'], http: [{ route: [{ destination: { host: 'web' } }] }] };
    const byName = virtualServiceFor('web', { ...spec, gateways: ['bookinfo-gateway'] }, 'shop');
    const qualified = virtualServiceFor('web', { ...spec, gateways: ['bookinfo/bookinfo-gateway'] }, 'shop');
    expect(table([gateway], [byName]).lookup(ISTIO, 'a.example.com', '/')).toBeUndefined();
    expect(table([gateway], [qualified]).lookup(ISTIO, 'a.example.com', '/')).toEqual({
      gateway: 'bookinfo/bookinfo-gateway',
      virtualService: 'shop/web',
      destinationService: 'web.shop.svc.cluster.local',
    });
  });

  it("honours the Gateway's server hosts, wildcards and namespace scopes", () => {
    const scoped = (hosts: string[]) => ({ ...gateway, spec: { ...gateway.spec, servers: [{ hosts }] } });
    const vs = virtualServiceFor('web', {
      hosts: ['*.example.com'],
      gateways: ['bookinfo-gateway'],
      http: [{ route: [{ destination: { host: 'web.bookinfo.svc.cluster.local' } }] }],
    });
    expect(table([scoped(['*.example.com'])], [vs]).lookup(ISTIO, 'a.example.com', '/')).toBeDefined();
    expect(table([scoped(['*.example.com'])], [vs]).lookup(ISTIO, 'example.com', '/')).toBeUndefined();
    expect(table([scoped(['a.example.com'])], [vs]).lookup(ISTIO, 'b.example.com', '/')).toBeUndefined();
    expect(table([scoped(['./a.example.com'])], [vs]).lookup(ISTIO, 'a.example.com', '/')).toBeDefined();
    expect(table([scoped(['bookinfo/*'])], [vs]).lookup(ISTIO, 'a.example.com', '/')).toBeDefined();
    expect(table([scoped(['shop/*'])], [vs]).lookup(ISTIO, 'a.example.com', '/')).toBeUndefined();
  });

  it('picks the most specific virtual host, then its first matching route, merged in creation order', () => {
    const reviews = virtualServiceFor('reviews', {
      hosts: ['reviews.example.com'],
      gateways: ['bookinfo-gateway'],
      http: [{ match: [{ uri: { regex: '/reviews/[0-9]+' } }], route: [{ destination: { host: 'reviews' } }] }],
    });
    const routes = table([gateway], [virtualService, reviews]);
    expect(routes.lookup(ISTIO, 'reviews.example.com', '/reviews/12')).toMatchObject({
      virtualService: 'bookinfo/reviews',
    });
    // The exact host's virtual host has no /productpage: Envoy does not fall back to the `*` one.
    expect(routes.lookup(ISTIO, 'reviews.example.com', '/productpage')).toBeUndefined();
    expect(routes.lookup(ISTIO, 'reviews.example.com', '/reviews/x')).toBeUndefined();

    const older = (name: string, at: string, destination: string) => ({
      ...virtualServiceFor(name, {
        hosts: ['shop.example.com'],
        gateways: ['bookinfo-gateway'],
        http: [{ route: [{ destination: { host: destination } }] }],
      }),
      metadata: { name, namespace: 'bookinfo', creationTimestamp: at },
    });
    const merged = table(
      [gateway],
      [older('b-new', '2025-02-01T00:00:00Z', 'new'), older('a-old', '2025-01-01T00:00:00Z', 'old')],
    );
    expect(merged.lookup(ISTIO, 'shop.example.com', '/')).toMatchObject({ virtualService: 'bookinfo/a-old' });
  });

  it('leaves out objects it cannot use, as istiod does', () => {
    const badRegex = virtualServiceFor('bad', {
      hosts: ['*'],
      gateways: ['bookinfo-gateway'],
      http: [{ match: [{ uri: { regex: '(' } }] }],
    });
    const routes = table([{ metadata: { name: 'no-spec' } }, gateway, 42], [badRegex, virtualService, null]);
    expect(routes.lookup(ISTIO, 'a.example.com', '/productpage')).toEqual(PRODUCTPAGE);
  });
});
