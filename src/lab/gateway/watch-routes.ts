// Keeps a RouteTable in sync with the Gateway and VirtualService resources of every namespace of one
// cluster, through client-node informers. While the API server is away the table keeps what it last
// saw, as Envoy keeps its last configuration; the informers relist when it is back.
import { CustomObjectsApi, KubeConfig, type KubernetesObject, makeInformer } from '@kubernetes/client-node';
import type { RouteTable } from './routes.js';

const GROUP = 'networking.istio.io';
const VERSION = 'v1beta1';
const RETRY_MS = 1000;

/** Resolves once both resources were listed (or failed to be, then retried every second); returns stop. */
export async function watchRoutes(
  kubeconfigPath: string,
  context: string | undefined,
  table: RouteTable,
): Promise<() => Promise<void>> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  if (context) kc.setCurrentContext(context);
  const api = kc.makeApiClient(CustomObjectsApi);
  let stopped = false;

  const watch = (plural: string, apply: (objects: readonly KubernetesObject[]) => void) => {
    const informer = makeInformer<KubernetesObject>(kc, `/apis/${GROUP}/${VERSION}/${plural}`, () =>
      api.listClusterCustomObject({ group: GROUP, version: VERSION, plural }),
    );
    let retrying: NodeJS.Timeout | undefined;
    const sync = () => apply(informer.list());
    const start = (): Promise<void> => informer.start().then(sync, retry);
    // An informer stops on its first error (a failed list or watch) and is restarted from here.
    const retry = () => {
      if (stopped || retrying) return;
      retrying = setTimeout(() => {
        retrying = undefined;
        void start();
      }, RETRY_MS);
    };
    informer.on('change', sync);
    informer.on('error', retry);
    const stop = () => {
      clearTimeout(retrying);
      return informer.stop();
    };
    return { start, stop };
  };
  const watches = [
    watch('gateways', (objects) => table.setGateways(objects)),
    watch('virtualservices', (objects) => table.setVirtualServices(objects)),
  ];

  await Promise.all(watches.map(({ start }) => start()));
  return async () => {
    stopped = true;
    await Promise.all(watches.map((watch) => watch.stop()));
  };
}
