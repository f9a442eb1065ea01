import { describe, expect, it } from 'vitest';
import { routeParity, statusClass } from '../../activities/probe/parity.js';
import type { ProbeResult } from '../../activities/probe/types.js';
import type { RouteProbe } from '../../src/plan/index.js';

const route: RouteProbe = { host: 'a.example.com', path: '/', port: 80, scheme: 'http', expectStatus: [200] };
const label = 'http://a.example.com:80/';

function result(podName: string, status?: number): ProbeResult {
  return {
    podName,
    podIp: '10.0.0.1',
    route: label,
    status,
    ok: status === 200,
    error: status ? undefined : 'ETIMEDOUT',
  };
}

describe('statusClass', () => {
  it('groups statuses by their first digit; no status is no answer', () => {
    expect([200, 204, 301, 404, 503, undefined].map((status) => statusClass({ status }))).toEqual([
      '2xx',
      '2xx',
      '3xx',
      '4xx',
      '5xx',
      'no answer',
    ]);
  });
});

describe('routeParity', () => {
  it('passes when every target pod answers in a class some source pod answers in', () => {
    const [parity] = routeParity(
      [route],
      [result('t1', 200), result('t2', 204)],
      [result('s1', 200), result('s2', 404)],
    );
    expect(parity).toEqual({ route: label, ok: true, targetClasses: ['2xx'], sourceClasses: ['2xx', '4xx'] });
  });

  it('names the target pods that answer otherwise, including those that do not answer', () => {
    const [parity] = routeParity([route], [result('t1', 200), result('t2', 503), result('t3')], [result('s1', 200)]);
    expect(parity).toMatchObject({
      ok: false,
      targetClasses: ['2xx', '5xx', 'no answer'],
      message: `${label}: source pods answer 2xx, target pods t2 (5xx), t3 (no answer) do not`,
    });
  });

  it('fails when no source pod answered: there is no baseline', () => {
    const [parity] = routeParity([route], [result('t1', 200)], [result('s1')]);
    expect(parity).toMatchObject({
      ok: false,
      sourceClasses: [],
      message: `${label}: no source pod answered, so there is nothing to compare the target with`,
    });
  });
});
