// One HTTP GET for the lab's tests: status, headers, body, and the client port of the connection it
// used (the same port twice means the same keep-alive connection).
import { type Agent, type IncomingHttpHeaders, request } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  clientPort: number;
}

export function get(url: string, host: string, agent: Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { headers: { host }, agent, signal: AbortSignal.timeout(10_000) });
    outgoing.on('error', reject);
    outgoing.on('response', (response) => {
      const clientPort = response.socket.localPort ?? 0;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          clientPort,
        }),
      );
    });
    outgoing.end();
  });
}

/** The error code a request ends with, or 'answered'. */
export function failureOf(url: string, host: string, agent: Agent | false = false): Promise<string> {
  return get(url, host, agent).then(
    () => 'answered',
    (error: NodeJS.ErrnoException) => error.code ?? error.message,
  );
}
