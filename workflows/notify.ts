// Notifications from the workflow: each is an activity in its own non-cancellable scope (a rollback does
// not stop the message about it), never awaited by the step that raised it and never failing the
// migration; the migration waits for them to settle before it ends. The sequence number makes the
// idempotency key the same on a retry or a replay.
import { CancellationScope } from '@temporalio/workflow';
import type { NotifyRequest } from '../activities/contracts.js';
import type { NotifyEvent } from '../src/notify/message.js';
import type { NotifyEventType } from '../src/notify/schema.js';

export type NotifyDetails = Pick<NotifyEvent, 'stepOrPhaseLabel'> &
  Partial<Pick<NotifyEvent, 'waitingFor' | 'reason' | 'by' | 'weights' | 'checks'>>;

export class Notifier {
  private seq = 0;
  private readonly pending: Promise<unknown>[] = [];

  constructor(
    private readonly send: (request: NotifyRequest) => Promise<unknown>,
    private readonly base: Pick<NotifyEvent, 'migrationId' | 'title' | 'namespace' | 'taskQueue'>,
    private readonly config: NotifyRequest['config'],
  ) {}

  tell(event: NotifyEventType, details: NotifyDetails, at: string): void {
    this.seq += 1;
    const request: NotifyRequest = {
      event: { ...this.base, ...details, event, at },
      config: this.config,
      seq: this.seq,
    };
    this.pending.push(CancellationScope.nonCancellable(() => this.send(request)).catch(() => undefined));
  }

  /** Resolves once every notification sent so far has been delivered or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.pending);
  }
}
