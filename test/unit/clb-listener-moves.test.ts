// Which listeners the preparation moves: each whose port has a planned vServer group it does not forward
// to yet, wherever it forwards now; a listener without a planned group, or already on it, stays.
import { describe, expect, it } from 'vitest';
import { listenerMoves, moveLine } from '../../activities/drivers/clb-annotation/preparation/listener-moves.js';

const listener = (port: number, vServerGroupId?: string) => ({
  port,
  protocol: 'tcp',
  scheduler: 'wrr',
  vServerGroupId,
});
const PLANNED = [
  { id: 'rsp-mine80', listenerPort: 80 },
  { id: 'rsp-mine443', listenerPort: 443 },
];

describe('the listener moves of the preparation', () => {
  it('moves a listener on another group, or on the default server group, to the planned group of its port', () => {
    const moves = listenerMoves([listener(80, 'rsp-k8s80'), listener(443), listener(15021, 'rsp-k8s15021')], PLANNED);
    expect(moves).toEqual([
      { port: 80, protocol: 'tcp', from: 'rsp-k8s80', to: 'rsp-mine80' },
      { port: 443, protocol: 'tcp', from: undefined, to: 'rsp-mine443' },
    ]);
    expect(moves.map((move) => moveLine('lb-1', move))).toEqual([
      'CLB lb-1 listener tcp:80: vServer group rsp-k8s80 → rsp-mine80',
      'CLB lb-1 listener tcp:443: vServer group (default server group) → rsp-mine443',
    ]);
  });

  it('has nothing to do once every listener forwards to its planned group', () => {
    expect(listenerMoves([listener(80, 'rsp-mine80'), listener(443, 'rsp-mine443')], PLANNED)).toEqual([]);
  });
});
