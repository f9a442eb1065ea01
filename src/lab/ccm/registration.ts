// Whether the CCM has a pod behind the CLBs: what the lab's ASM control plane waits for before it
// retires an old gateway pod during a rolling update, and before it removes a drained one.
import type { BackendRegistry } from '../asm/index.js';
import type { SlbState } from '../slb/state.js';

/** Registered: a backend in every one of these vServer groups; deregistered: in none. */
export function clbRegistration(slb: SlbState, vServerGroupIds: readonly string[]): BackendRegistry {
  const holds = (groupId: string, ip: string) =>
    slb.vServerGroups.get(groupId)?.backends.some((backend) => backend.serverIp === ip) ?? false;
  return {
    isRegistered: (ip) => vServerGroupIds.every((groupId) => holds(groupId, ip)),
    isDeregistered: (ip) => !vServerGroupIds.some((groupId) => holds(groupId, ip)),
  };
}
