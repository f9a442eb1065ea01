// A cluster's productpage backend: answers every request 200 and stamps which cluster and pod served
// (`x-served-by: <cluster>/<pod>`), unless its faults say otherwise (a 5xx ratio, added latency).
import { once } from 'node:events';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { errorDrawer } from '../gateway/faults.js';
import { SERVED_BY_HEADER } from '../gateway/pod.js';

export interface BackendFaults {
  /** Share of requests answered 503 (counter-based: 0.5 fails every second one). */
  errorRatio: number;
  addedLatencyMs: number;
}

export interface Backend {
  ip: string;
  port: number;
  faults: BackendFaults;
  stop(): Promise<void>;
}

export async function startBackend(options: {
  ip: string;
  port: number;
  cluster: string;
  podName: string;
}): Promise<Backend> {
  const faults: BackendFaults = { errorRatio: 0, addedLatencyMs: 0 };
  const failNext = errorDrawer(faults);
  const stopped = new AbortController();
  const stamp = `${options.cluster}/${options.podName}`;
  const server = createServer({ keepAliveTimeout: 3_600_000 }, (request, response) => {
    request.resume();
    const status = failNext() ? 503 : 200;
    const answer = () =>
      response
        .writeHead(status, { 'content-type': 'text/plain', [SERVED_BY_HEADER]: stamp })
        .end(status === 200 ? `productpage served by ${stamp}\n` : 'backend failure\n');
    if (faults.addedLatencyMs > 0)
      sleep(faults.addedLatencyMs, undefined, { signal: stopped.signal }).then(answer, () => response.destroy());
    else answer();
  });
  server.listen(options.port, options.ip);
  await once(server, 'listening');
  return {
    ip: options.ip,
    port: options.port,
    faults,
    async stop() {
      stopped.abort();
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    },
  };
}
