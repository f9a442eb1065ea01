// The Temporal SDK's log lines (worker, workflow `log`, activity `log`) in the worker's pino log. A
// migration that ends with one of gateshift's own failures (a refused input, a held resource, a failed
// pre-flight: src/api/failures.ts) has ended as expected: the SDK's "Workflow failed" warning with a
// stack becomes an info line with the failure's message.
import type { LogLevel, LogMetadata, Logger as SdkLogger } from '@temporalio/common';
import type { Logger } from 'pino';
import { isExpectedFailure } from './api/failures.js';

const PINO_LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

export class SdkLogAdapter implements SdkLogger {
  constructor(private readonly logger: Logger) {}
  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message === 'Workflow failed' && isExpectedFailure(meta?.error)) {
      const { error, ...rest } = meta ?? {};
      this.logger.info({ ...rest, failure: (error as { message: string }).message }, message);
      return;
    }
    this.logger[PINO_LEVELS[level]](meta ?? {}, message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
