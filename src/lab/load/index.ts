export { type Load, type LoadOptions, type LoadTarget, type LongLivedOptions, startLoad } from './load.js';
export type { Counts, LoadRecord, SecondRecord } from './record.js';
export { type LoadSummary, summarize } from './summary.js';
