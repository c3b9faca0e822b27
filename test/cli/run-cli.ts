// Runs the real `warden` command (bin/warden.js) in a child process against a test store.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../../src/config.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliEnv(config: Config): Record<string, string> {
  return {
    DATABASE_URL: config.databaseUrl,
    WARDEN_DATA_DIR: config.dataDir,
    WARDEN_SECRET_KEY: config.secretKey.toString('base64'),
    WARDEN_ISSUER: config.issuer,
    LOG_LEVEL: 'silent',
  };
}

/** `stdin` as bytes for input a string cannot hold (invalid UTF-8). */
export function runCli(args: string[], env: Record<string, string>, stdin?: string | Uint8Array): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin/warden.js'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
  });
}
