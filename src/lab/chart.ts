// The demos' chart (SVG, rendered by Vega-Lite without a browser): requests per second by series (a
// gateway, a version) and failed requests per second over time, with a rule where each phase or step
// began.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LoadRecord } from './load/index.js';
import { serverErrors } from './report.js';

/** One point: `t` seconds since the load started, `value` requests in that second. */
export interface ChartPoint {
  t: number;
  series: string;
  value: number;
}

export interface ChartMark {
  t: number;
  label: string;
}

/** Seconds since the load started, to a tenth. */
export const sinceStart = (record: LoadRecord, ms: number) => Math.round((ms - record.startedAt) / 100) / 10;

/** Failed requests (5xx or no answer) per second of the load. */
export function failurePoints(record: LoadRecord): ChartPoint[] {
  return record.seconds.map((second) => ({
    t: sinceStart(record, second.second * 1000),
    series: 'failed (5xx or no answer)',
    value: Object.values(second.transportErrors).reduce((a, b) => a + b, 0) + serverErrors(second),
  }));
}

/** Requests per second served by each gateway, as the load generator saw them (`x-served-by`). */
export function gatewayPoints(record: LoadRecord): ChartPoint[] {
  const gateways = [...new Set(record.seconds.flatMap((second) => Object.keys(second.byGateway)))];
  return record.seconds.flatMap((second) =>
    gateways.map((gateway) => ({
      t: sinceStart(record, second.second * 1000),
      series: `served by ${gateway}`,
      value: second.byGateway[gateway] ?? 0,
    })),
  );
}

export async function renderChart(chart: { title: string; points: ChartPoint[]; marks: ChartMark[] }): Promise<string> {
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: chart.title,
    width: 900,
    height: 320,
    layer: [
      {
        data: { values: chart.points },
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: {
            field: 't',
            type: 'quantitative',
            title: 'seconds since the load started',
            scale: { domainMin: 0, nice: false },
          },
          y: { field: 'value', type: 'quantitative', title: 'requests per second' },
          color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400, orient: 'bottom' } },
        },
      },
      {
        data: { values: chart.marks },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { field: 't', type: 'quantitative' } },
      },
      {
        data: { values: chart.marks },
        mark: { type: 'text', align: 'left', dx: 3, dy: -5, baseline: 'bottom', color: '#555' },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
