// The Temporal CLI (dev server), built from the Go module proxy. v1.5.1 is the newest release whose
// go.mod has no replace directives, which `go install pkg@version` requires.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { installAtomically, progress, requireCommand, run, toolDir, which } from './cache.js';

export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_ENV = 'GATESHIFT_TEMPORAL_CLI';

function cachedPath(): string {
  return join(toolDir('temporal-cli', TEMPORAL_CLI_VERSION), 'temporal');
}

/** Resolution order: env var, `temporal` on PATH, the cache. Undefined when none exists yet. */
export function findTemporalCli(): string | undefined {
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv) return fromEnv;
  return which('temporal') ?? (existsSync(cachedPath()) ? cachedPath() : undefined);
}

export async function ensureTemporalCli(): Promise<string> {
  const found = findTemporalCli();
  if (found) return found;
  requireCommand('the Temporal CLI', 'go', 'install Go >= 1.25');
  const dir = toolDir('temporal-cli', TEMPORAL_CLI_VERSION);
  progress(`building the Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (a few minutes) into ${dir}`);
  const started = Date.now();
  await installAtomically(dir, (staging) =>
    run(
      'go',
      [
        'install',
        '-ldflags',
        `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
        `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
      ],
      { env: { GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } },
    ),
  );
  progress(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return cachedPath();
}
