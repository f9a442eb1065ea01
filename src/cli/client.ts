// Connects to the Temporal server from the environment only (see temporalSettings).
import { Client, Connection } from '@temporalio/client';
import { temporalSettings } from '../connection.js';
import { CliExit } from './errors.js';

export async function withClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const settings = temporalSettings();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: settings.address, tls: settings.tls, apiKey: settings.apiKey });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliExit(1, `cannot reach Temporal at ${settings.address}: ${reason}`);
  }
  try {
    return await run(new Client({ connection, namespace: settings.namespace }));
  } finally {
    await connection.close();
  }
}
