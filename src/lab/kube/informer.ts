// A list+watch cache of one resource that outlives API server outages: client-node's informer stops
// for good after a failed list or watch, so this one starts it again after a pause.
import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  makeInformer,
} from '@kubernetes/client-node';
import { errorMessage, type LabLogger } from './logger.js';

export type ChangeVerb = 'add' | 'update' | 'delete';

export interface InformerOptions<T extends KubernetesObject> {
  kubeConfig: KubeConfig;
  /** The watch path, e.g. `/api/v1/pods`. */
  path: string;
  list: () => Promise<KubernetesListObject<T>>;
  labelSelector?: string;
  onChange: (verb: ChangeVerb, object: T) => void;
  logger: LabLogger;
  restartDelayMs?: number;
}

export interface Informer<T> {
  list(namespace?: string): readonly T[];
  get(name: string, namespace?: string): T | undefined;
  stop(): Promise<void>;
}

/** Resolves once the first list has arrived and the watch is open; rejects when that first list fails. */
export async function startInformer<T extends KubernetesObject>(options: InformerOptions<T>): Promise<Informer<T>> {
  const { path, logger } = options;
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  let listed = false;
  let lastError: unknown;
  let stopped = false;
  let restart: NodeJS.Timeout | undefined;
  const informer = makeInformer<T>(
    options.kubeConfig,
    path,
    async () => {
      const list = await options.list();
      listed = true;
      return list;
    },
    options.labelSelector,
  );
  for (const verb of ['add', 'update', 'delete'] as const)
    informer.on(verb, (object: T) => options.onChange(verb, object));
  informer.on('error', (error: unknown) => {
    lastError = error;
    // Stopping aborts the watch, which reports as an error too.
    if (stopped || !listed) return;
    logger.warn(`watch ${path}: ${errorMessage(error)}; again in ${restartDelayMs} ms`);
    restart = setTimeout(() => {
      restart = undefined;
      if (!stopped) void informer.start();
    }, restartDelayMs);
  });
  const stop = async () => {
    stopped = true;
    clearTimeout(restart);
    await informer.stop();
  };
  await informer.start();
  if (!listed) {
    await stop();
    throw new Error(`list ${path}: ${errorMessage(lastError)}`);
  }
  return {
    list: (namespace) => informer.list(namespace),
    get: (name, namespace) => informer.get(name, namespace),
    stop,
  };
}
