// A window of a load record in a few numbers: how many requests, which gateway served what share, how
// many failed.
import { addCounts, type Counts, emptyCounts, type LoadRecord } from './record.js';

export interface LoadSummary extends Counts {
  /** Each gateway's share (0..1) of the answers. */
  share: Record<string, number>;
  /** Transport errors plus answers with a status of 400 or more. */
  failures: number;
}

/** Sums the seconds in [fromSec, toSec). */
export function summarize(record: LoadRecord, fromSec: number, toSec: number): LoadSummary {
  const counts = emptyCounts();
  for (const second of record.seconds) if (second.second >= fromSec && second.second < toSec) addCounts(counts, second);
  const answers = Object.values(counts.byGateway).reduce((sum, value) => sum + value, 0);
  const share = Object.fromEntries(
    Object.entries(counts.byGateway).map(([gateway, served]) => [gateway, served / answers]),
  );
  const failedAnswers = Object.entries(counts.byStatus)
    .filter(([status]) => Number(status) >= 400)
    .reduce((sum, [, value]) => sum + value, 0);
  const transport = Object.values(counts.transportErrors).reduce((sum, value) => sum + value, 0);
  return { ...counts, share, failures: transport + failedAnswers };
}
