// What the load generator saw, per epoch second in which a request was sent: answers by gateway (from
// the x-served-by stamp) and by status, transport errors by cause, and requests it could not send
// because every allowed request was still in flight. Plain JSON, for reports.

export interface Counts {
  /** Requests sent that ended: answered or failed in transport (skipped ones are not requests). */
  requests: number;
  /** Answers by the gateway part of `x-served-by` ('none' without the stamp). */
  byGateway: Record<string, number>;
  /** Of those, the answers that came over long-lived keep-alive connections. */
  longLivedByGateway: Record<string, number>;
  /** Answers by HTTP status. */
  byStatus: Record<string, number>;
  /** Requests without an answer, by cause: ECONNRESET, ECONNREFUSED, timeout, … */
  transportErrors: Record<string, number>;
  /** Requests due by the rate that were not sent because the in-flight cap was reached. */
  skipped: number;
}

export interface SecondRecord extends Counts {
  /** Epoch second (Math.floor(Date.now() / 1000)) in which the requests were sent. */
  second: number;
}

export interface LoadRecord {
  /** Epoch milliseconds. */
  startedAt: number;
  stoppedAt?: number;
  /** Ascending by second; a second without any request has no record. */
  seconds: SecondRecord[];
  totals: Counts;
}

export type Outcome =
  | { kind: 'answer'; gateway: string; status: number; longLived?: boolean }
  | { kind: 'transport'; cause: string }
  | { kind: 'skipped' };

export function emptyCounts(): Counts {
  return { requests: 0, byGateway: {}, longLivedByGateway: {}, byStatus: {}, transportErrors: {}, skipped: 0 };
}

function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export function addOutcome(counts: Counts, outcome: Outcome): void {
  if (outcome.kind === 'skipped') {
    counts.skipped++;
    return;
  }
  counts.requests++;
  if (outcome.kind === 'transport') bump(counts.transportErrors, outcome.cause);
  else {
    bump(counts.byGateway, outcome.gateway);
    if (outcome.longLived) bump(counts.longLivedByGateway, outcome.gateway);
    bump(counts.byStatus, String(outcome.status));
  }
}

export function addCounts(into: Counts, from: Counts): void {
  into.requests += from.requests;
  into.skipped += from.skipped;
  for (const [key, value] of Object.entries(from.byGateway)) bump(into.byGateway, key, value);
  for (const [key, value] of Object.entries(from.longLivedByGateway)) bump(into.longLivedByGateway, key, value);
  for (const [key, value] of Object.entries(from.byStatus)) bump(into.byStatus, key, value);
  for (const [key, value] of Object.entries(from.transportErrors)) bump(into.transportErrors, key, value);
}

/** Collects outcomes into per-second records and totals. */
export class Recorder {
  private readonly bySecond = new Map<number, SecondRecord>();
  private readonly totals = emptyCounts();
  private stoppedAt?: number;

  constructor(private readonly startedAt: number) {}

  add(second: number, outcome: Outcome): void {
    let record = this.bySecond.get(second);
    if (!record) {
      record = { second, ...emptyCounts() };
      this.bySecond.set(second, record);
    }
    addOutcome(record, outcome);
    addOutcome(this.totals, outcome);
  }

  stop(at: number): void {
    this.stoppedAt = at;
  }

  /** A copy: later outcomes do not change it. */
  record(): LoadRecord {
    return structuredClone({
      startedAt: this.startedAt,
      stoppedAt: this.stoppedAt,
      seconds: [...this.bySecond.values()].sort((a, b) => a.second - b.second),
      totals: this.totals,
    });
  }
}
