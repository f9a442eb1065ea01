// docker-compose, to validate docker-compose.yml offline (`docker-compose config` needs no engine), from
// Debian's `docker-compose` package (1.29.2, which reads the Compose Specification). Any docker-compose
// on PATH or named by the env var wins.
import { announce, commandOutput, progress, requireCommand, run, which } from './cache.js';

export const DOCKER_COMPOSE_ENV = 'GATESHIFT_DOCKER_COMPOSE';

/** Resolution order: env var, then `docker-compose` on PATH. Undefined when neither exists yet. */
export function findDockerCompose(): string | undefined {
  return process.env[DOCKER_COMPOSE_ENV] || which('docker-compose');
}

export async function ensureDockerCompose(): Promise<string> {
  const found = findDockerCompose();
  if (found) return found;
  const hint = `install docker-compose yourself, then put it on PATH or set ${DOCKER_COMPOSE_ENV}`;
  requireCommand('docker-compose', 'apt-get', hint);
  if (process.getuid?.() !== 0) {
    throw new Error(`cannot install docker-compose: 'apt-get install docker-compose' needs root (${hint})`);
  }
  announce('installing the Debian docker-compose package with apt-get (about 15 s)');
  const started = Date.now();
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  if (!/Candidate:\s*\d/.test(commandOutput('apt-cache', ['policy', 'docker-compose']))) {
    progress('the docker-compose package is unknown to apt: running apt-get update');
    await run('apt-get', ['update'], { env });
  }
  // No recommends: docker.io (the engine) is not wanted, only the client that validates files.
  await run('apt-get', ['install', '-y', '--no-install-recommends', 'docker-compose'], { env });
  const binary = which('docker-compose');
  if (!binary) throw new Error('apt-get installed docker-compose, but no docker-compose is on PATH');
  progress(`docker-compose ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}
