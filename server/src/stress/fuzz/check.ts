import { ApiError, ApiErrorCode } from '@maestro/shared/schema';
import type { WireResponse } from './client';
import type { FuzzCase } from './requests';

/** What gives away the server's insides: a stack frame, a file path, an exception's name. */
const leaks: [RegExp, string][] = [
  [/\bat [\w$.<>]+ \(/, 'stack frame'],
  [/\n\s+at /, 'stack frame'],
  [/node:internal/, 'node:internal'],
  [/node_modules/, 'node_modules path'],
  [/\.(?:ts|js|mjs|cjs):\d+/, 'source file and line'],
  [/\/work\/|\/home\/|\/usr\/|[A-Z]:\\\\/, 'file system path'],
  [/\b(?:Type|Reference|Syntax|Range)?Error: /, 'exception message'],
  [
    /\b(?:SQLSTATE|syntax error at or near|relation "|violates .* constraint|invalid input syntax)/i,
    'SQL error',
  ],
];

/** Error codes that mean the server failed, not that it refused. */
const failures = new Set(['InternalError', 'ServiceUnavailable']);

/**
 * Judges one answer: a 4xx (the one the strategy expects, when it fixes one), in the API's
 * error shape (validated by the contract's `ApiError` schema), with a known code, and nothing
 * of the server's insides. Null when all is well, else what is wrong.
 */
export function judge(fuzzCase: FuzzCase, response: WireResponse): string | null {
  const text = response.body.toString('utf8');
  if (response.status < 400 || response.status > 499) return `status ${response.status}`;
  if (fuzzCase.expected.length > 0 && !fuzzCase.expected.includes(response.status))
    return `status ${response.status}, expected ${fuzzCase.expected.join(' or ')}`;
  const type = String(response.headers['content-type'] ?? '');
  if (!type.startsWith('application/json')) return `content type "${type}"`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  const shape = ApiError.safeParse(body);
  if (!shape.success) return `not the error shape: ${shape.error.issues[0]?.message}`;
  if (!ApiErrorCode.safeParse(shape.data.error).success)
    return `unknown error code "${shape.data.error}"`;
  if (failures.has(shape.data.error)) return `error code ${shape.data.error} on a 4xx`;
  if (fuzzCase.expectedError && shape.data.error !== fuzzCase.expectedError)
    return `error ${shape.data.error}, expected ${fuzzCase.expectedError}`;
  for (const [pattern, what] of leaks) if (pattern.test(text)) return `leaks a ${what}`;
  return null;
}

const clip = (value: string, max: number) =>
  value.length > max ? `${value.slice(0, max)}… (${value.length} chars)` : value;

/** One failure, readable in a test report. */
export function describeFailure(
  fuzzCase: FuzzCase,
  response: WireResponse | null,
  problem: string,
): string {
  const { request } = fuzzCase;
  const headers = Object.entries(request.headers)
    .filter(([name]) => name !== 'Cookie' && name !== 'Authorization')
    .map(([name, value]) => `${name}: ${clip(value, 80)}`)
    .join('; ');
  const body = request.body ? clip(request.body.toString('utf8'), 300) : '(none)';
  const answer = response
    ? `${response.status} ${clip(response.body.toString('utf8'), 500)}`
    : '(no answer)';
  return [
    `${fuzzCase.operationId} [${fuzzCase.strategy}] as ${fuzzCase.caller}: ${problem}`,
    `  ${request.method.toUpperCase()} ${clip(request.path, 300)}`,
    `  headers: ${headers || '(none)'}`,
    `  body: ${JSON.stringify(body)}`,
    `  answer: ${answer}`,
  ].join('\n');
}
