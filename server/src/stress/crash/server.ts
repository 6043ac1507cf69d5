import { type SpawnedServer, spawnServer } from '../../test/spawnServer';

function deferred() {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/**
 * The real server as a child process that the test kills (`SIGKILL`) and starts again on the
 * same database and port. Clients wait while it is down: `whenUp()` resolves at once when it
 * answers, else once it answers again; `generation` counts the starts, so that a client cut by
 * a kill waits for the next one (`after(generation)`).
 */
export class CrashableServer {
  generation = 0;
  /** Requests on the wire, and among them writes (what a kill can cut in the middle). */
  inFlight = 0;
  writesInFlight = 0;
  /** Clients logging in (again, after a kill cut their request). */
  loggingIn = 0;
  private child: SpawnedServer | null = null;
  private last: SpawnedServer | null = null;
  private changed = deferred();

  constructor(
    private readonly options: { databaseUrl: string; port: number; env: Record<string, string> },
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get up(): boolean {
    return this.child !== null;
  }

  private notify() {
    this.changed.resolve();
    this.changed = deferred();
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('the server is already running');
    this.child = await spawnServer({
      databaseUrl: this.options.databaseUrl,
      port: this.options.port,
      env: this.options.env,
    });
    this.last = this.child;
    this.generation += 1;
    this.notify();
  }

  /** `kill -9`: whatever the server was doing stops there. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) throw new Error('the server is not running');
    this.child = null;
    this.notify();
    await child.kill();
  }

  /** A graceful stop (SIGTERM), for the end of the test. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    this.notify();
    await child.stop();
  }

  /** Whether the running process died without being killed by the test. */
  exited(): boolean {
    const child = this.child?.process;
    return child !== undefined && (child.exitCode !== null || child.signalCode !== null);
  }

  /** What the current (or last) process printed, for a failing test's message. */
  output(): string {
    return this.last?.output() ?? '';
  }

  async whenUp(): Promise<void> {
    while (!this.child) await this.changed.promise;
  }

  /** Resolves once a process newer than `generation` answers. */
  async after(generation: number): Promise<void> {
    while (!this.child || this.generation <= generation) await this.changed.promise;
  }

  /** Resolves once the clients cut by the last kill have logged in again (or after `timeoutMs`). */
  async resumed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await new Promise((resolve) => setTimeout(resolve, 100));
    while (this.loggingIn > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Resolves once at least `count` writes are on the wire, or after `timeoutMs`. */
  async writesOnTheWire(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.writesInFlight < count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
