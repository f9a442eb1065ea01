// An HTTP agent whose connections carry at most a given number of requests, so that a keep-alive
// client still opens new connections at a steady pace and a CLB's per-connection balancing shows.
import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';

export class BudgetAgent extends Agent {
  private readonly used = new WeakMap<Duplex, number>();

  constructor(
    private readonly requestsPerConnection: number,
    options: Omit<AgentOptions, 'keepAlive'>,
  ) {
    super({ ...options, keepAlive: true });
  }

  // Node asks this after every response on a keep-alive connection; false closes the connection.
  override keepSocketAlive(socket: Duplex): boolean {
    const used = (this.used.get(socket) ?? 0) + 1;
    this.used.set(socket, used);
    // @types/node declares void, but Node's own answer says whether the server's keep-alive hint allows reuse.
    return used < this.requestsPerConnection && (super.keepSocketAlive(socket) as unknown as boolean);
  }
}
