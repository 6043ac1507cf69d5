import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';

const serverDir = path.resolve(import.meta.dirname, '../..');

/** A free TCP port on 127.0.0.1, as the kernel gives it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export interface SpawnedServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Everything the process printed (stdout and stderr), for a failing test's message. */
  output: () => string;
  /** SIGKILL: no shutdown code runs, open transactions are cut at whatever point they reached. */
  kill: () => Promise<void>;
  /** SIGTERM and wait for the graceful stop. */
  stop: () => Promise<void>;
}

/**
 * Starts the real server (`src/main.ts`, as `pnpm dev` would, without watching) as a child
 * process on `databaseUrl`, and resolves once `/api/health` answers. No demo seed unless asked.
 */
export async function spawnServer(options: {
  databaseUrl: string;
  port?: number;
  env?: Record<string, string>;
  timeoutMs?: number;
}): Promise<SpawnedServer> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      APP_URL: url,
      DATABASE_URL: options.databaseUrl,
      DATABASE_POOL_MAX: '10',
      SEED_DEMO: 'false',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL === 'error' ? 'error' : 'silent',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the server exited before listening (${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer within the delay:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    url,
    port,
    process: child,
    output: () => output,
    kill: async () => {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (alive()) child.kill('SIGTERM');
      await exited;
    },
  };
}
