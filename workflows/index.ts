// The workflows the gateshift worker registers.
export { resourceLock } from './locks.js';
export { migration } from './migration.js';
export { preview } from './preview.js';
