// One lease workflow runs per CLB while a migration holds it: its workflow id is derived from the CLB
// id, so the server refuses a second holder. It is a child of its migration, closed with it.
import { condition, setHandler } from '@temporalio/workflow';
import { type LeaseInput, releaseLeaseSignal } from './definitions.js';

export async function clbLease(_input: LeaseInput): Promise<void> {
  let released = false;
  setHandler(releaseLeaseSignal, () => {
    released = true;
  });
  await condition(() => released);
}
