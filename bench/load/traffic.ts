import autocannon from 'autocannon';
import type { Actor, Block, MixData, Step, StepContext } from './mix';

/** What one route answered during a stage. */
export interface RouteFigures {
  /** Requests written to a connection. */
  sent: number;
  /** Latency of every answer (any status), in ms. */
  latencies: number[];
  ok: number;
  /** Requests without an answer: timeouts, socket errors, connections closed. */
  lost: number;
  /** Errors by kind: `HTTP 409`, `timeout`, `ECONNRESET`, … */
  errors: Map<string, number>;
  /** The first answers in error, for the report. */
  samples: string[];
}

export interface StageFigures {
  connections: number;
  seconds: number;
  routes: Map<string, RouteFigures>;
}

/** autocannon's client, with the internals this file relies on (autocannon 8). */
interface InternalClient {
  requestIterator: { currentRequest: { stepName?: string } };
  getRequestBuffer: () => Buffer;
  _connect: () => void;
  conn: NodeJS.EventEmitter;
  destroyed: boolean;
  on(event: 'response', listener: (status: number, bytes: number, ms: number) => void): void;
  on(event: 'timeout', listener: () => void): void;
  on(event: 'connError', listener: (error: NodeJS.ErrnoException) => void): void;
  setRequests(requests: autocannon.Request[]): void;
}

function figuresOf(stage: StageFigures, name: string): RouteFigures {
  let figures = stage.routes.get(name);
  if (!figures) {
    figures = { sent: 0, latencies: [], ok: 0, lost: 0, errors: new Map(), samples: [] };
    stage.routes.set(name, figures);
  }
  return figures;
}

function countError(stage: StageFigures, name: string, kind: string, detail = '') {
  const figures = figuresOf(stage, name);
  figures.errors.set(kind, (figures.errors.get(kind) ?? 0) + 1);
  if (figures.samples.length < 3) figures.samples.push(`${kind} ${detail}`.trim());
}

/** The cycle rotated so that it starts at block `offset`. */
const rotate = (cycle: Block[], offset: number): Block[] => {
  const start = offset % cycle.length;
  return [...cycle.slice(start), ...cycle.slice(0, start)];
};

const clearFlow = (context: StepContext) => {
  for (const key of Object.keys(context)) delete context[key as keyof StepContext];
};

/** A step as an autocannon request, with the actor's session and, for writes, JSON and Origin. */
function toRequest(step: Step, data: MixData, stage: StageFigures): autocannon.Request {
  const headers: Record<string, string> = {
    accept: 'application/json',
    cookie: data.cookies[step.actor as Actor],
  };
  if (step.write) {
    headers['content-type'] = 'application/json';
    headers.origin = data.origin;
  }
  const request = {
    stepName: step.name,
    method: 'GET',
    path: '/',
    headers,
    // autocannon passes a fresh copy of this object; a falsy answer restarts the cycle
    setupRequest: (req: autocannon.Request, context: object) => {
      const built = step.build(context as StepContext);
      if (!built) return null as unknown as autocannon.Request;
      req.method = built.method;
      req.path = built.path;
      if (built.body !== undefined) req.body = JSON.stringify(built.body);
      return req;
    },
    onResponse: (status: number, body: string, context: object) => {
      if (status < 200 || status >= 300) {
        countError(stage, step.name, `HTTP ${status}`, body.slice(0, 300));
        // the rest of the flow needs what this step did not give
        clearFlow(context as StepContext);
        return;
      }
      if (!step.onSuccess) return;
      try {
        step.onSuccess(body, context as StepContext);
      } catch (error) {
        countError(stage, step.name, 'unreadable answer', (error as Error).message);
        clearFlow(context as StepContext);
      }
    },
  };
  return request as autocannon.Request;
}

/**
 * Runs the cycle at `connections` for `seconds` and answers the figures of every route. Every
 * answer that is not a 2xx, every timeout (30 s, the server's statement timeout) and every
 * socket error or connection closed under a request counts as an error of the route it was for.
 */
export function runStage(
  url: string,
  data: MixData,
  cycle: Block[],
  connections: number,
  seconds: number,
): Promise<StageFigures> {
  const stage: StageFigures = { connections, seconds, routes: new Map() };
  let clients = 0;
  const setupClient = (client: autocannon.Client) => {
    const internal = client as unknown as InternalClient;
    internal.setRequests(
      rotate(cycle, clients++)
        .flat()
        .map((step) => toRequest(step, data, stage)),
    );
    // The request on the wire, and the one before it: on a timeout or a closed connection,
    // autocannon reconnects and writes the next request before telling, so the lost one is
    // then `previous`.
    let pending = '';
    let previous = '';
    const getRequestBuffer = internal.getRequestBuffer.bind(internal);
    internal.getRequestBuffer = () => {
      previous = pending;
      pending = internal.requestIterator.currentRequest.stepName ?? '?';
      figuresOf(stage, pending).sent++;
      return getRequestBuffer();
    };
    const lost = (name: string, kind: string) => {
      figuresOf(stage, name).lost++;
      countError(stage, name, kind);
    };
    internal.on('response', (status, _bytes, ms) => {
      const figures = figuresOf(stage, pending);
      figures.latencies.push(ms);
      if (status >= 200 && status < 300) figures.ok++;
    });
    internal.on('timeout', () => lost(previous, 'timeout'));
    internal.on('connError', (error) => lost(pending, error.code ?? 'socket error'));
    const connect = internal._connect.bind(internal);
    internal._connect = () => {
      connect();
      internal.conn.on('end', () => {
        if (!internal.destroyed) lost(previous, 'connection closed by the server');
      });
    };
  };
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections,
        duration: seconds,
        timeout: 30,
        // replaced per connection by `setupClient`
        requests: [{ method: 'GET', path: '/api/health' }],
        setupClient,
      },
      (error) => (error ? reject(error) : resolve(stage)),
    );
  });
}
