// A second Node.js (24 LTS) for running the suites on the image's runtime, from the npm registry's
// `node-linux-<arch>` package (the official binary), integrity pinned. It goes into the tool cache,
// never into the project's dependencies: `npm run setup -- node-24`, then put its bin/ first on PATH.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { announce, installAtomically, progress, requireCommand, run, toolDir } from './cache.js';

export const NODE_24_VERSION = '24.22.3';
const INTEGRITY: Partial<Record<string, string>> = {
  x64: 'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  arm64: 'sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw==',
};

/** The directory whose bin/ holds `node` 24. */
export function node24Dir(): string {
  return toolDir('node', NODE_24_VERSION);
}

export async function ensureNode24(): Promise<string> {
  const dir = node24Dir();
  const binary = join(dir, 'bin', 'node');
  if (existsSync(binary)) return binary;
  const integrity = INTEGRITY[arch()];
  if (!integrity) throw new Error(`no pinned Node ${NODE_24_VERSION} package for ${arch()}`);
  requireCommand(`Node ${NODE_24_VERSION}`, 'npm', 'npm comes with Node.js');
  requireCommand(`Node ${NODE_24_VERSION}`, 'tar', 'install tar');
  const spec = `node-linux-${arch()}@${NODE_24_VERSION}`;
  announce(`fetching Node ${NODE_24_VERSION} (npm package ${spec}, integrity pinned) into ${dir}`);
  const started = Date.now();
  await installAtomically(dir, async (staging) => {
    await run('npm', ['pack', spec, '--pack-destination', staging, '--silent']);
    const tarball = readdirSync(staging).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${spec} wrote no tarball`);
    const actual = `sha512-${createHash('sha512')
      .update(readFileSync(join(staging, tarball)))
      .digest('base64')}`;
    if (actual !== integrity) throw new Error(`${spec} has integrity ${actual}, pinned ${integrity}`);
    await run('tar', ['-xzf', join(staging, tarball), '-C', staging, '--strip-components=1', 'package/bin/node']);
    rmSync(join(staging, tarball));
    await run(join(staging, 'bin', 'node'), ['--version']);
  });
  progress(`Node ${NODE_24_VERSION} ready in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}
