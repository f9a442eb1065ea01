// The activities the worker registers. Each is idempotent; see contracts.ts.
import { describeLeaseHolder } from './lease-holder.js';

export function createActivities() {
  return { describeLeaseHolder };
}
