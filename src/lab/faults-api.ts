// A lab's HTTP API for faults: GET /faults answers the current state, POST /faults with a JSON object
// of its fault fields sets them, e.g. `curl -d '{"targetErrorRatio":0.3}' 127.0.0.1:PORT/faults`. The
// single-cluster lab takes `labFaultChanges`, the canary-cluster lab its own (canary-cluster/faults.ts);
// a field the running lab does not have is refused, named.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { z } from 'zod';

/** The faults of the single-cluster lab (faults.ts), as a POST may change them. */
export const labFaultChanges = z.strictObject({
  targetErrorRatio: z.number().min(0).max(1).optional(),
  targetLatencyMs: z.number().int().min(0).max(60_000).optional(),
  routeMissingOnTarget: z.boolean().optional(),
  ccmStalled: z.boolean().optional(),
  apiServerDown: z.boolean().optional(),
  slbThrottleRate: z.number().min(0).max(1).optional(),
  versionErrorRatio: z
    .strictObject({ version: z.string().min(1), ratio: z.number().min(0).max(1) })
    .nullable()
    .optional(),
  canaryNeverReady: z.boolean().optional(),
  stallUpgrade: z.boolean().optional(),
  asmThrottleRate: z.number().min(0).max(1).optional(),
});

/** A lab's faults: each set as an absolute state. */
export interface Faults<State> {
  state(): State;
  set(changes: Partial<State>): Promise<State>;
}

export async function startFaultsApi<State>(
  faults: Faults<State>,
  changesSchema: z.ZodType<Partial<State>>,
  port = 0,
): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.url !== '/faults') return answer(404, { error: 'only /faults is here' });
    if (req.method === 'GET') return answer(200, faults.state());
    if (req.method !== 'POST') return answer(405, { error: 'GET or POST' });
    let text = '';
    for await (const chunk of req) text += chunk;
    try {
      const changes = changesSchema.safeParse(JSON.parse(text || '{}'));
      if (!changes.success) return answer(400, { error: z.prettifyError(changes.error) });
      return answer(200, await faults.set(changes.data));
    } catch (error) {
      return answer(400, { error: error instanceof Error ? error.message : String(error) });
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}/faults`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
