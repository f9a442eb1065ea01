// Shared plumbing for the tool bootstrap: where tools are cached, how commands run, how progress prints.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Cache root outside the clone, so every clone on this machine reuses the same builds. */
export function toolsRoot(): string {
  if (process.env.GATESHIFT_TOOLS_DIR) return process.env.GATESHIFT_TOOLS_DIR;
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'gateshift', 'tools');
}

export function toolDir(name: string, version: string): string {
  return join(toolsRoot(), `${name}-${version}`);
}

export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export class MissingPrerequisite extends Error {
  constructor(tool: string, prerequisite: string, hint: string) {
    super(`cannot install ${tool}: '${prerequisite}' is not available (${hint})`);
  }
}

export function requireCommand(tool: string, command: string, hint: string): void {
  if (!which(command)) throw new MissingPrerequisite(tool, command, hint);
}

let quiet = false;
export function setQuiet(value: boolean): void {
  quiet = value;
}
/**
 * The one line a tool prints when it starts being built or fetched: printed even when quiet, so that
 * a first `npm test` or `npm run demo` says what it is waiting for. Quiet hides only "already installed".
 */
export function announce(message: string): void {
  process.stderr.write(`[setup] ${message}\n`);
}
/** Details (timings, commands' output): hidden when quiet. */
export function progress(message: string): void {
  if (!quiet) process.stderr.write(`[setup] ${message}\n`);
}

/** Runs a command, streaming its output to stderr unless quiet; rejects with its tail on failure. */
export function run(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let tail = '';
    const collect = (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      if (!quiet) process.stderr.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${tail}`));
    });
  });
}

export function commandOutput(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`;
}

/**
 * Builds into a temporary sibling directory and renames it into place, so an interrupted
 * build never leaves a half-filled cache entry that later runs would trust.
 */
export async function installAtomically(finalDir: string, build: (stagingDir: string) => Promise<void>): Promise<void> {
  const staging = `${finalDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    await build(staging);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(staging, finalDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}
