// What the outside sees of a migration without asking it: the search attributes the Web UI filters on,
// the memo `gateshift list` reads, the metrics sink, and the markdown of the Web UI's current details.
// Search attributes and memo are commands in the history: they are written only when they change.
import { proxySinks, setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { type MigrationSinks, SEARCH_ATTRIBUTES } from '../src/api/names.js';
import { type MigrationMemo, type MigrationStatus, position } from '../src/api/status.js';
import { renderDetails } from './render.js';

const { metrics } = proxySinks<MigrationSinks>();

export class Publisher {
  private published = { state: '', phase: -1, memo: '' };
  private waitingSince: number | null = null;

  constructor(private readonly migrationId: string) {}

  publish(status: MigrationStatus, now: number): void {
    const waiting = status.state === 'waiting-approval';
    if (waiting && this.waitingSince === null) this.waitingSince = now;
    if (!waiting) this.waitingSince = null;
    if (this.published.state !== status.state || this.published.phase !== status.phaseIndex) {
      upsertSearchAttributes([
        { key: SEARCH_ATTRIBUTES.state, value: status.state },
        { key: SEARCH_ATTRIBUTES.phase, value: status.phaseIndex },
      ]);
      metrics.state(this.migrationId, status.state, status.phaseIndex, this.waitingSince);
      this.published.state = status.state;
      this.published.phase = status.phaseIndex;
    }
    const memo: MigrationMemo = {
      position: position(status),
      weights: status.desired ? `${status.desired.source}/${status.desired.target}` : undefined,
      waitingFor: status.waitingFor ?? undefined,
    };
    const memoKey = JSON.stringify(memo);
    if (this.published.memo !== memoKey) {
      upsertMemo({ ...memo });
      this.published.memo = memoKey;
    }
    setCurrentDetails(renderDetails(status));
  }
}
