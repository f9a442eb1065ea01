// Which listeners forward to another vServer group than the plan's for their port: what the step
// "move the listeners to the planned vServer groups" changes, computed from the listeners as read.
import type { ClbListenerScheduling } from '../../../clb/models.js';

export interface ListenerMove {
  port: number;
  protocol: string;
  /** The group the listener forwards to now; undefined: the default server group. */
  from?: string;
  to: string;
}

/** One move per listener whose port has a planned group it does not forward to yet. */
export function listenerMoves(
  listeners: readonly ClbListenerScheduling[],
  planned: readonly { id: string; listenerPort: number }[],
): ListenerMove[] {
  return listeners.flatMap((listener) => {
    const group = planned.find((candidate) => candidate.listenerPort === listener.port);
    if (!group || listener.vServerGroupId === group.id) return [];
    return [{ port: listener.port, protocol: listener.protocol, from: listener.vServerGroupId, to: group.id }];
  });
}

/** "CLB lb-… listener tcp:80: vServer group rsp-old → rsp-new". */
export function moveLine(loadBalancerId: string, move: ListenerMove): string {
  return `CLB ${loadBalancerId} listener ${move.protocol}:${move.port}: vServer group ${move.from ?? '(default server group)'} → ${move.to}`;
}
