// What a registry of pure driver halves offers the input schema: the fragments of its drivers, for the
// discriminated union on `traffic.kind`.
import type { z } from 'zod';
import type { PlanDriver } from './driver.js';

export function fragmentsOf<D extends PlanDriver<z.ZodObject, { kind: string }>>(drivers: Record<string, D>) {
  const [first, ...rest] = Object.values(drivers).map((driver) => driver.fragment);
  if (!first) throw new Error('no driver is registered');
  return [first, ...rest] as [D['fragment'], ...D['fragment'][]];
}
