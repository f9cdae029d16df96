import { expect, vi } from 'vitest';
import { repoRoot } from './corpus.js';

export interface CommandOutput<T = unknown> {
  stdout: string;
  stderr: string;
  exitCode: number;
  result?: T;
}

/** Runs a command class in-process, capturing stdout, stderr and the exit code. */
/** Any monctl command class (its static `run` loads the config from the repo root). */
export interface RunnableCommand {
  name: string;
  run(argv: string[], root: string): Promise<unknown>;
}

export async function runCommand<T = unknown>(cmd: RunnableCommand, argv: string[]): Promise<CommandOutput<T>> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  const savedExit = process.exitCode;
  let exitCode = 0;
  let result: T | undefined;
  try {
    result = (await cmd.run(argv, repoRoot)) as T;
  } catch (e) {
    const oclif = (e as { oclif?: { exit?: number } }).oclif;
    if (oclif?.exit === undefined) throw e;
    exitCode = oclif.exit;
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = savedExit;
  }
  return { stdout, stderr, exitCode, result };
}

/** runCommand that must exit 0 (the failure names the command, its arguments and what it printed); its stdout. */
export async function runOk(cmd: RunnableCommand, argv: string[]): Promise<string> {
  const r = await runCommand(cmd, argv);
  expect(r.exitCode, `${cmd.name} ${argv.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}
