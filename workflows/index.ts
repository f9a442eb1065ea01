// The workflows the gateshift worker registers.
export { clbLease } from './lease.js';
export { migration } from './migration.js';
