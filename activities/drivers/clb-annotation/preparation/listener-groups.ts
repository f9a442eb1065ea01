// The CCM refuses to reuse the vServer groups it created (k8s/<port>/<svc>/<ns>/<cluster>), so the plan
// names groups of the user's own; once the CCM has filled them with the Istio gateway's backends, this
// step points each listener at its planned group. The undo points a listener back at the group it
// forwarded to before, when that group still exists: the CCM deletes the groups it created once the
// Service names others, and then the listener stays on the planned group, which serves the same pods.
import { ApplicationFailure } from '@temporalio/common';
import type { ClbTraffic } from '../../../../src/plan/index.js';
import type { ClbClient } from '../../../clb/client.js';
import type { ActionOutcome } from '../../../contracts.js';
import { listenerMoves, moveLine } from './listener-moves.js';
import { dropRecord, preparedClb, readRecord, recordOnce } from './record.js';

const RECORD = 'listener-groups-before';

type Found = { loadBalancerId: string; listeners: { port: number; protocol: string; vServerGroupId: string | null }[] };

async function compare(client: ClbClient, traffic: ClbTraffic) {
  const { lb, source } = preparedClb(traffic);
  const moves = listenerMoves(await client.describeListeners(lb.id), lb.vServerGroups);
  return { lb, source, moves, lines: moves.map((move) => moveLine(lb.id, move)) };
}

export async function previewListenerMoves(client: ClbClient, traffic: ClbTraffic): Promise<ActionOutcome> {
  return { changes: (await compare(client, traffic)).lines };
}

export async function moveListeners(client: ClbClient, traffic: ClbTraffic): Promise<ActionOutcome> {
  const { lb, source, moves, lines } = await compare(client, traffic);
  if (moves.length === 0) return { changes: [] };
  await recordOnce<Found>(source, RECORD, {
    loadBalancerId: lb.id,
    listeners: moves.map((move) => ({ port: move.port, protocol: move.protocol, vServerGroupId: move.from ?? null })),
  });
  for (const move of moves) await client.setListenerVServerGroup(lb.id, move, move.to);
  const left = listenerMoves(await client.describeListeners(lb.id), lb.vServerGroups);
  if (left.length > 0)
    throw ApplicationFailure.create({
      type: 'ClbWriteNotConfirmed',
      message: `read back: ${left.map((move) => moveLine(lb.id, move)).join('; ')} still to do`,
    });
  return { changes: lines };
}

export async function restoreListenerGroups(client: ClbClient, traffic: ClbTraffic): Promise<ActionOutcome> {
  const { lb, source } = preparedClb(traffic);
  const found = await readRecord<Found>(source, RECORD);
  if (!found) return { changes: [] };
  const [listeners, groups] = await Promise.all([client.describeListeners(lb.id), client.describeVServerGroups(lb.id)]);
  const exists = (id: string | null): id is string => groups.some((group) => group.id === id);
  const changes: string[] = [];
  const back: { id: string; port: number; protocol: string }[] = [];
  for (const before of found.listeners) {
    const now = listeners.find((l) => l.port === before.port && l.protocol === before.protocol);
    if (!now || now.vServerGroupId === (before.vServerGroupId ?? undefined)) continue;
    if (exists(before.vServerGroupId)) {
      await client.setListenerVServerGroup(lb.id, now, before.vServerGroupId);
      back.push({ id: before.vServerGroupId, port: now.port, protocol: now.protocol });
      changes.push(`${moveLine(lb.id, { ...now, from: now.vServerGroupId, to: before.vServerGroupId })} (back)`);
    } else
      changes.push(
        `CLB ${lb.id} listener ${now.protocol}:${now.port}: left on ${now.vServerGroupId}, which serves the same backends: ${before.vServerGroupId ? `${before.vServerGroupId}, where it forwarded before, no longer exists (the CCM deletes the groups it created once the Service names others)` : 'it forwarded to the default server group before, which gateshift does not restore'}`,
      );
  }
  const moves = listenerMoves(
    await client.describeListeners(lb.id),
    back.map((listener) => ({ id: listener.id, listenerPort: listener.port })),
  );
  if (moves.length > 0)
    throw ApplicationFailure.create({
      type: 'ClbWriteNotConfirmed',
      message: `read back: ${moves.map((move) => moveLine(lb.id, move)).join('; ')} still to do`,
    });
  await dropRecord(source, RECORD);
  return { changes };
}
