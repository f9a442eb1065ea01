// An HTTP agent whose connections carry at most a given number of requests, or live at most so long, as
// real clients' pools do: a keep-alive client still opens new connections at a steady pace and a CLB's
// per-connection balancing shows.
import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';

export class BudgetAgent extends Agent {
  private readonly used = new WeakMap<Duplex, { requests: number; since: number }>();

  constructor(
    private readonly requestsPerConnection: number,
    options: Omit<AgentOptions, 'keepAlive'>,
    /** Age (from its first answer) past which a connection closes after its current request. */
    private readonly maxAgeMs = Number.POSITIVE_INFINITY,
  ) {
    super({ ...options, keepAlive: true });
  }

  // Node asks this after every response on a keep-alive connection; false closes the connection.
  override keepSocketAlive(socket: Duplex): boolean {
    const used = this.used.get(socket) ?? { requests: 0, since: Date.now() };
    used.requests++;
    this.used.set(socket, used);
    const young = Date.now() - used.since < this.maxAgeMs;
    // @types/node declares void, but Node's own answer says whether the server's keep-alive hint allows reuse.
    return used.requests < this.requestsPerConnection && young && (super.keepSocketAlive(socket) as unknown as boolean);
  }
}
