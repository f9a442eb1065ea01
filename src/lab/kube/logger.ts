// What the lab's simulators log through: pino's and console's loggers both fit.
export interface LabLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: LabLogger = { info: () => {}, warn: () => {} };

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The HTTP status of a failed client-node call, when it has one. */
export function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}
