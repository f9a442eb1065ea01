// Prometheus for the analysis tests, from the Debian package. Tests start their own servers with
// their own configuration, so the package's system service must not start (or stay running).
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { announce, commandOutput, progress, requireCommand, run, which } from './cache.js';

export const PROMETHEUS_ENV = 'GATESHIFT_PROMETHEUS';

const POLICY_RC = '/usr/sbin/policy-rc.d';

/** Resolution order: env var, then `prometheus` on PATH. Undefined when neither exists yet. */
export function findPrometheus(): string | undefined {
  return process.env[PROMETHEUS_ENV] || which('prometheus');
}

export function prometheusVersion(binary: string): string {
  return /version (\S+)/.exec(commandOutput(binary, ['--version']))?.[1] ?? 'unknown';
}

export async function ensurePrometheus(): Promise<string> {
  const found = findPrometheus();
  if (found) return found;
  requireCommand(
    'Prometheus',
    'apt-get',
    `install Prometheus yourself, then put it on PATH or set ${PROMETHEUS_ENV} to the binary`,
  );
  if (process.getuid?.() !== 0)
    throw new Error(
      `cannot install Prometheus: 'apt-get install prometheus' needs root (run 'sudo apt-get install prometheus', or set ${PROMETHEUS_ENV})`,
    );
  const started = Date.now();
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  announce('installing the Debian prometheus package with apt-get (about 10 s)');
  if (!/Candidate:\s*\d/.test(commandOutput('apt-cache', ['policy', 'prometheus']))) {
    progress('the prometheus package is unknown to apt: running apt-get update');
    await run('apt-get', ['update'], { env });
  }
  await withServicesHeld(() => run('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { env }));
  await stopSystemService();
  const binary = which('prometheus');
  if (!binary) throw new Error('apt-get installed prometheus, but no prometheus binary is on PATH');
  progress(`Prometheus ${prometheusVersion(binary)} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

/** invoke-rc.d asks policy-rc.d whether a package may start its service; exit 101 says no. */
async function withServicesHeld(install: () => Promise<void>): Promise<void> {
  if (existsSync(POLICY_RC)) return install();
  writeFileSync(POLICY_RC, '#!/bin/sh\n# written by gateshift setup while installing prometheus\nexit 101\n', {
    mode: 0o755,
  });
  try {
    await install();
  } finally {
    rmSync(POLICY_RC, { force: true });
  }
}

/** An existing policy-rc.d may allow services: make sure the package's service is not left running. */
async function stopSystemService(): Promise<void> {
  const systemd = existsSync('/run/systemd/system');
  const [command, args] = systemd
    ? ['systemctl', ['disable', '--now', 'prometheus']]
    : ['service', ['prometheus', 'stop']];
  if (!which(command)) return;
  progress(`stopping the package's own prometheus service (${command} ${args.join(' ')})`);
  await run(command, args).catch(() => undefined);
}
