export * from './annotations.js';
export * from './checks.js';
export * from './duration.js';
export * from './plan.js';
export * from './schema.js';
export * from './weights.js';
