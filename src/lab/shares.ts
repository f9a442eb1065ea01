// The shares the lab reports: what the CLBs' backend weights give the target gateway, and what each
// gateway version served.
import { effectiveShares } from '../plan/weights.js';
import { CLBS, GATEWAY_NAMESPACE, type LabClb } from './names.js';
import type { SlbEmulator } from './slb/server.js';

/** The target gateway's share of each lab CLB's backend weights, in percent. */
export function effectiveTargetShares(emulator: SlbEmulator, clbs: readonly LabClb[] = CLBS): Record<string, number> {
  return Object.fromEntries(
    clbs.map((clb) => {
      const backends = emulator.state.vServerGroups.get(clb.vServerGroupId)?.backends ?? [];
      const weightOf = (service: string) =>
        backends
          .filter((backend) => backend.description?.includes(`/${service}/${GATEWAY_NAMESPACE}/`))
          .reduce((sum, backend) => sum + backend.weight, 0);
      return [clb.id, effectiveShares(weightOf(clb.sourceService), weightOf(clb.targetService)).target];
    }),
  );
}

/** Each version's share (0..1) of the answers counted in `now` and not yet in `since`. */
export function versionShares(now: Record<string, number>, since: Record<string, number> = {}): Record<string, number> {
  const served = Object.entries(now).map(([version, count]) => [version, count - (since[version] ?? 0)] as const);
  const total = served.reduce((sum, [, count]) => sum + count, 0);
  return Object.fromEntries(served.map(([version, count]) => [version, total === 0 ? 0 : count / total]));
}
