import type { CrashableServer } from './server';

/** The writes the load makes, each checked against the database at the end. */
export type WriteKind =
  | 'sample.create'
  | 'sample.submit'
  | 'sample.send'
  | 'analysis.receive'
  | 'analysis.save'
  | 'analysis.report'
  | 'analysis.submit'
  | 'analysis.correct'
  | 'analysis.review'
  | 'prescription.create'
  | 'prescription.update'
  | 'plan.column'
  | 'plan.copy';

export const WriteKinds: readonly WriteKind[] = [
  'sample.create',
  'sample.submit',
  'sample.send',
  'analysis.receive',
  'analysis.save',
  'analysis.report',
  'analysis.submit',
  'analysis.correct',
  'analysis.review',
  'prescription.create',
  'prescription.update',
  'plan.column',
  'plan.copy',
];

/**
 * What became of a write: `acknowledged` (2xx: it must be in the database, complete),
 * `refused` (4xx: it must not be), `failed` (5xx: a defect), `cut` (the kill took the
 * connection: it may or may not be there, but complete if it is).
 */
export type Outcome = 'acknowledged' | 'refused' | 'failed' | 'cut';

export interface WriteRecord {
  /** Sent as X-Request-Id: the server keeps it in the audit trail of what the request wrote. */
  requestId: string;
  kind: WriteKind;
  worker: string;
  /** The record written (sample, analysis, prescription, plan); null when the server names it. */
  entityId: string | null;
  /** What the write asked for, as the verification compares it. */
  expect: Record<string, unknown>;
  outcome: Outcome | 'pending';
  status: number | null;
  response: unknown;
  generation: number;
}

/** The client side of the run: every write with its outcome, and how many requests went out. */
export class Journal {
  readonly writes: WriteRecord[] = [];
  requests = 0;
  reads = 0;
  logins = 0;
  /** Requests that lost their connection while the server was up: should never happen. */
  readonly unexpectedErrors: string[] = [];
  private sequence = 0;

  constructor(readonly seed: number) {}

  nextRequestId(worker: string): string {
    this.sequence += 1;
    return `crash-${this.seed}-${worker}-${this.sequence}`;
  }

  count(kind: WriteKind, outcome: Outcome): number {
    return this.writes.filter((w) => w.kind === kind && w.outcome === outcome).length;
  }
}

export interface Response<T> {
  status: number;
  body: T;
}

export interface WriteResult<T> {
  outcome: Outcome;
  status: number | null;
  body: T | null;
}

/** A network error: the connection was refused, reset or closed before the answer. */
const isNetworkError = (error: unknown): boolean =>
  error instanceof TypeError || (error as { name?: string }).name === 'AbortError';

/**
 * One user's session over real HTTP (fetch with the session cookie). Reads are retried across
 * kills; a write is sent once and its outcome journaled; after a cut the client waits for the
 * restarted server and logs in again.
 */
export class ApiClient {
  private cookie = '';

  constructor(
    private readonly server: CrashableServer,
    private readonly journal: Journal,
    readonly name: string,
    private readonly email: string,
    private readonly password: string,
  ) {}

  private async send(
    method: string,
    path: string,
    body: { json?: unknown; raw?: Buffer; contentType?: string } | null,
    requestId: string,
  ): Promise<globalThis.Response> {
    const headers: Record<string, string> = { 'X-Request-Id': requestId };
    if (this.cookie) headers.Cookie = this.cookie;
    let payload: string | Uint8Array<ArrayBuffer> | undefined;
    if (body?.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body?.raw) {
      headers['Content-Type'] = body.contentType ?? 'application/octet-stream';
      payload = new Uint8Array(body.raw);
    }
    this.journal.requests += 1;
    const response = await fetch(`${this.server.url}${path}`, {
      method: method.toUpperCase(),
      headers,
      body: payload,
      signal: AbortSignal.timeout(60_000),
    });
    const cookies = response.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('maestro.sid='));
    if (session) this.cookie = session.split(';')[0] ?? '';
    return response;
  }

  private async parse(response: globalThis.Response): Promise<unknown> {
    const text = await response.text();
    if (!text) return null;
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  /**
   * After a lost connection: waits for the restarted server when a kill took it; a connection
   * lost while the server was up is not the kill's doing, and is noted as a violation.
   */
  private async lost(generation: number, what: string, error: unknown) {
    if (!this.server.up || this.server.generation !== generation) {
      await this.server.after(generation);
      return;
    }
    if (this.server.exited())
      throw new Error(`the server exited by itself:\n${this.server.output().slice(-3000)}`);
    this.journal.unexpectedErrors.push(
      `${this.name} ${what}: ${(error as Error).message} ${String((error as Error).cause ?? '')}`,
    );
    if (this.journal.unexpectedErrors.length > 20)
      throw new Error(`connections lost while the server was up: ${this.journal.unexpectedErrors}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  async login(): Promise<void> {
    this.server.loggingIn += 1;
    try {
      await this.logInOnce();
    } finally {
      this.server.loggingIn -= 1;
    }
  }

  private async logInOnce(): Promise<void> {
    for (;;) {
      await this.server.whenUp();
      const generation = this.server.generation;
      this.cookie = '';
      try {
        this.journal.logins += 1;
        const response = await this.send(
          'post',
          '/api/auth/login',
          { json: { email: this.email, password: this.password } },
          this.journal.nextRequestId(this.name),
        );
        const body = await this.parse(response);
        if (response.status === 200) return;
        throw new Error(`${this.name}: login answered ${response.status} ${JSON.stringify(body)}`);
      } catch (error) {
        if (!isNetworkError(error)) throw error;
        await this.lost(generation, 'login', error);
      }
    }
  }

  /** A read, retried until the server answers it (a kill in between only delays it). */
  async get<T>(path: string): Promise<Response<T>> {
    for (;;) {
      await this.server.whenUp();
      const generation = this.server.generation;
      this.server.inFlight += 1;
      let response: globalThis.Response;
      let body: unknown;
      try {
        this.journal.reads += 1;
        response = await this.send('get', path, null, this.journal.nextRequestId(this.name));
        body = await this.parse(response);
      } catch (error) {
        if (!isNetworkError(error)) throw error;
        await this.lost(generation, `GET ${path}`, error);
        await this.login();
        continue;
      } finally {
        this.server.inFlight -= 1;
      }
      if (response.status === 401) {
        await this.login();
        continue;
      }
      if (response.status >= 500)
        throw new Error(
          `${this.name}: GET ${path} answered ${response.status} ${JSON.stringify(body)}`,
        );
      return { status: response.status, body: body as T };
    }
  }

  /**
   * One write, journaled with what it asked for. A 401 (session lost) is journaled as refused
   * and sent again after a new login; a cut is journaled and answered once the server is back.
   */
  async write<T>(
    kind: WriteKind,
    method: 'post' | 'put',
    path: string,
    options: {
      json?: unknown;
      raw?: Buffer;
      contentType?: string;
      entityId: string | null;
      expect: Record<string, unknown>;
    },
  ): Promise<WriteResult<T>> {
    for (;;) {
      await this.server.whenUp();
      const generation = this.server.generation;
      const record: WriteRecord = {
        requestId: this.journal.nextRequestId(this.name),
        kind,
        worker: this.name,
        entityId: options.entityId,
        expect: options.expect,
        outcome: 'pending',
        status: null,
        response: null,
        generation,
      };
      this.journal.writes.push(record);
      this.server.inFlight += 1;
      this.server.writesInFlight += 1;
      let response: globalThis.Response;
      let body: unknown;
      try {
        response = await this.send(method, path, options, record.requestId);
        body = await this.parse(response);
      } catch (error) {
        if (!isNetworkError(error)) throw error;
        record.outcome = 'cut';
        await this.lost(generation, `${kind} ${path}`, error);
        await this.login();
        return { outcome: 'cut', status: null, body: null };
      } finally {
        this.server.inFlight -= 1;
        this.server.writesInFlight -= 1;
      }
      record.status = response.status;
      record.response = body;
      if (response.status === 401) {
        record.outcome = 'refused';
        await this.login();
        continue;
      }
      record.outcome =
        response.status < 300 ? 'acknowledged' : response.status < 500 ? 'refused' : 'failed';
      return { outcome: record.outcome, status: response.status, body: body as T };
    }
  }
}
