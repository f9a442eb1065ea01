// The lab tests' world: the two gateways of a migration, and Istio's bookinfo Gateway and
// VirtualService from the shared fixtures as the API server would list them in a namespace, with the
// ASM copy of the Gateway (step 3 of the procedure).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { GatewayIdentity } from '../../src/lab/gateway/index.js';

export const ISTIO: GatewayIdentity = {
  name: 'ingressgateway',
  namespace: 'istio-system',
  workload: 'istio-ingressgateway',
};
export const ASM: GatewayIdentity = {
  name: 'ingressgateway-asm',
  namespace: 'istio-system',
  workload: 'ingressgateway-asm',
};
export const HOST = 'bookinfo.example.com';
const FIXTURE = fileURLToPath(new URL('../../src/lab/bookinfo/bookinfo-gateway.yaml', import.meta.url));

export interface IstioObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
  spec: Record<string, unknown>;
}

export interface Bookinfo {
  gateway: IstioObject;
  virtualService: IstioObject;
}

export function bookinfo(namespace = 'bookinfo'): Bookinfo {
  const objects = parseAllDocuments(readFileSync(FIXTURE, 'utf8')).map((doc) => doc.toJS() as IstioObject);
  const inNamespace = (kind: string) => {
    const object = objects.find((candidate) => candidate.kind === kind);
    if (!object) throw new Error(`no ${kind} in ${FIXTURE}`);
    return { ...object, metadata: { ...object.metadata, namespace } };
  };
  return { gateway: inNamespace('Gateway'), virtualService: inNamespace('VirtualService') };
}

/** The Gateway with `spec.selector.istio` set to another gateway, as the copy to ASM writes it. */
export function selecting(gateway: IstioObject, istio: string): IstioObject {
  const selector = gateway.spec.selector as Record<string, string>;
  return { ...gateway, spec: { ...gateway.spec, selector: { ...selector, istio } } };
}

/**
 * The bookinfo objects for one table that serves both gateways: the Gateway, its copy selecting
 * `asmGateway` and a VirtualService bound to each. The copies are renamed (suffix -asm), as two
 * objects of one namespace must be; in the real procedure they live in the ASM control plane.
 */
export function bookinfoForBoth(asmGateway: string): { gateways: IstioObject[]; virtualServices: IstioObject[] } {
  const { gateway, virtualService } = bookinfo();
  const renamed = (object: IstioObject) => ({
    ...object,
    metadata: { ...object.metadata, name: `${object.metadata.name}-asm` },
  });
  const gatewayCopy = renamed(selecting(gateway, asmGateway));
  const virtualServiceCopy = renamed(virtualService);
  virtualServiceCopy.spec = { ...virtualService.spec, gateways: [gatewayCopy.metadata.name] };
  return { gateways: [gateway, gatewayCopy], virtualServices: [virtualService, virtualServiceCopy] };
}
