// A real Prometheus for tests: a temporary config and TSDB, bound to loopback on a free port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { findPrometheus } from '../../scripts/tools/prometheus.js';
import { freePort } from '../ports.js';
import { startServer } from './cluster/process.js';

export interface PrometheusOptions {
  /** host:port of each metrics endpoint to scrape. */
  scrapeTargets?: string[];
  /** A file_sd target file (`[{"targets": ["host:port", …]}]`), re-read when it changes: for targets that come and go. */
  targetsFile?: string;
  /** Default /metrics; Istio's proxies answer on /stats/prometheus. */
  metricsPath?: string;
  scrapeIntervalSec?: number;
}

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

export async function startPrometheus(options: PrometheusOptions): Promise<RunningPrometheus> {
  const binary = findPrometheus();
  if (!binary) throw new Error('Prometheus is not installed: run `npm run setup prometheus`');
  const dir = mkdtempSync(join(tmpdir(), 'gateshift-prometheus-'));
  const interval = `${options.scrapeIntervalSec ?? 1}s`;
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    stringify({
      global: { scrape_interval: interval, evaluation_interval: interval },
      scrape_configs: [
        {
          job_name: 'gateways',
          metrics_path: options.metricsPath ?? '/metrics',
          ...(options.scrapeTargets && { static_configs: [{ targets: options.scrapeTargets }] }),
          ...(options.targetsFile && {
            file_sd_configs: [{ files: [options.targetsFile], refresh_interval: interval }],
          }),
        },
      ],
    }),
  );
  const port = await freePort();
  const server = startServer(
    'prometheus',
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    join(dir, 'prometheus.log'),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  const polling = new AbortController();
  try {
    await Promise.race([untilReady(url, polling.signal), server.exited]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    polling.abort();
  }
  return { url, stop };
}

async function untilReady(url: string, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline && !signal.aborted) {
    const ready = await fetch(`${url}/-/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await sleep(100);
  }
  throw new Error(`Prometheus at ${url} was not ready within ${READY_TIMEOUT_MS / 1000} s`);
}
