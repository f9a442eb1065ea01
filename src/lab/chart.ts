// The demo's chart (SVG, rendered by Vega-Lite without a browser): requests per second served by each
// gateway and failed requests per second over time, with a rule where each phase began.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { LoadRecord } from './load/index.js';
import { type PhaseWindow, serverErrors } from './report.js';

export async function renderChart(record: LoadRecord, phases: PhaseWindow[], title: string): Promise<string> {
  const start = record.startedAt;
  const seconds = (ms: number) => Math.round((ms - start) / 100) / 10;
  const gateways = [...new Set(record.seconds.flatMap((second) => Object.keys(second.byGateway)))];
  const rows = record.seconds.flatMap((second) => {
    const t = seconds(second.second * 1000);
    const failed = Object.values(second.transportErrors).reduce((a, b) => a + b, 0) + serverErrors(second);
    return [
      ...gateways.map((gateway) => ({ t, series: `served by ${gateway}`, value: second.byGateway[gateway] ?? 0 })),
      { t, series: 'failed (5xx or no answer)', value: failed },
    ];
  });
  const rules = phases.map((phase) => ({
    t: seconds(phase.from),
    label: `${phase.sourceWeight}/${phase.targetWeight}`,
  }));
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 900,
    height: 320,
    layer: [
      {
        data: { values: rows },
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
        data: { values: rules },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { field: 't', type: 'quantitative' } },
      },
      {
        data: { values: rules },
        mark: { type: 'text', align: 'left', dx: 3, dy: -5, baseline: 'bottom', color: '#555' },
        encoding: { x: { field: 't', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
