import fc from 'fast-check';

/**
 * The hostile-value catalogue: what an attacker, a broken client or a careless integration
 * sends. Every string position of a fuzzed request draws from it (path parameters and query
 * strings included).
 */

/** Marks a property name that, if it ever reached Object.prototype, shows pollution. */
export const POLLUTION_MARKER = 'fuzzPolluted';

const sqlInjection = [
  "' or 1=1 --",
  "' OR '1'='1",
  "'; drop table samples; --",
  '" or ""="',
  "1' and pg_sleep(2) is null --",
  "') union select null, version(), null --",
  "admin'--",
  "%' or 1=1 --",
  '$1; select * from users',
  "\\'; select 1; --",
];

const markupInjection = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "javascript:alert('x')",
  '<svg/onload=alert(1)>',
  '{{constructor.constructor("return process")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection, on purpose.
  '${process.exit(1)}',
  '<!--#exec cmd="ls"-->',
  ']]><x>',
  "=cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
];

const controlAndUnicode = [
  '\u0000',
  'a\u0000b',
  '%00',
  '\u0007\u001b[31mred\u001b[0m',
  'line\r\nSet-Cookie: injected=1',
  '\r\n\r\n',
  '\t\v\f',
  '\u202Eevil\u202Ctxt.exe',
  '\u200B\u200C\u200D\uFEFF',
  'e\u0301\u0301\u0301\u0301\u0301',
  'Z\u0337\u0327\u031B\u0348a\u0336l\u0334g\u0337o\u0336',
  '\u{1D54F}\u{1F600}\u{1F44D}\u{1F3FD}\u{1F468}\u200D\u{1F469}\u200D\u{1F467}',
  '\uD800',
  'x\uDFFFy',
  '\uFFFD\uFFFF\uFFFE',
  'Ω≈ç√∫˜µ≤≥÷',
  'اختبار',
  '테스트',
  '\u00A0\u2028\u2029',
];

const pathsAndFormats = [
  '../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '/dev/zero',
  'file:///etc/shadow',
  '%2e%2e%2f%2e%2e%2f',
  '%C0%AF',
  '%',
  '%zz',
  '%s%s%s%n',
  '+',
  '?a=b&c=d#e',
  'C:\\CON\\NUL',
];

const prototypeKeys = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
];

const lookalikes = [
  '',
  ' ',
  '   ',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x10',
  'true',
  '[]',
  '{}',
  '9'.repeat(400),
  '00000000-0000-0000-0000-00000000000g',
  '00000000-0000-0000-0000-0000000000001',
  '{00000000-0000-4000-8000-000000000000}',
  '2024-02-30',
  '2024-13-01',
  '0000-00-00',
  '9999-12-31T23:59:59Z',
  '-271821-04-20T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '2024-01-01T25:61:00Z',
  '1970-01-01T00:00:00',
  '2024-06-01T12:00:00+99:99',
];

/** Every short hostile string (the long ones are built apart). */
export const hostileStrings: readonly string[] = [
  ...sqlInjection,
  ...markupInjection,
  ...controlAndUnicode,
  ...pathsAndFormats,
  ...prototypeKeys,
  ...lookalikes,
];

/** A long string made of a hostile motif: `length` UTF-16 units. */
export function longString(motif: string, length: number): string {
  if (motif.length === 0) return 'x'.repeat(length);
  return motif.repeat(Math.ceil(length / motif.length)).slice(0, length);
}

/** One of a list, cheaply (fast-check's per-value cost matters at tens of thousands). */
export const pick = <T>(values: readonly T[]): fc.Arbitrary<T> =>
  fc.integer({ min: 0, max: values.length - 1 }).map((i) => values[i] as T);

const longMotifs = ['x', 'é', "' or 1=1 -- ", '<script>', '\u0000', '\u{1F600}', '\u202E', '%00'];
const catalogues = new Map<string, readonly string[]>();

/** The hostile strings and some of their pairs (built once). */
function catalogue(): readonly string[] {
  const known = catalogues.get('short');
  if (known) return known;
  const pairs = hostileStrings.flatMap((a, i) =>
    hostileStrings.filter((_, j) => (i + j) % 23 === 0).map((b) => `${a}${b}`),
  );
  const list = [...hostileStrings, ...hostileStrings, ...hostileStrings, ...pairs];
  catalogues.set('short', list);
  return list;
}

/** Long strings of hostile motifs: 5 kB and 100 kB in a body, 300 and 1,500 in a URL. */
function longCatalogue(where: 'body' | 'url'): readonly string[] {
  const known = catalogues.get(where);
  if (known) return known;
  const lengths = where === 'body' ? [5_000, 100_000] : [300, 1_500];
  const list = longMotifs.flatMap((motif) => lengths.map((n) => longString(motif, n)));
  catalogues.set(where, list);
  return list;
}

/**
 * A hostile string. `where` says where it goes: a body may hold 100 kB strings; a URL must
 * stay under Node's 16 kB request-head limit (beyond it Node itself answers 431 without the
 * application), so URL strings stay short. Long ones are rare: a body has many string
 * positions, and each long string costs its weight on the wire and in every parser.
 */
export function hostileString(where: 'body' | 'url' = 'body'): fc.Arbitrary<string> {
  let arbitrary = hostileArbitraries.get(where);
  if (!arbitrary) {
    arbitrary = fc.oneof(
      { weight: 95, arbitrary: pick(catalogue()) },
      { weight: 4, arbitrary: binaryString },
      { weight: 1, arbitrary: pick(longCatalogue(where)) },
    );
    hostileArbitraries.set(where, arbitrary);
  }
  return arbitrary;
}

// Any UTF-16 unit, lone surrogates and control characters included.
const binaryString = fc.string({
  unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  maxLength: 40,
});
const hostileArbitraries = new Map<string, fc.Arbitrary<string>>();

/** Numbers a schema must refuse somewhere, JSON-representable. */
export const hostileNumbers: readonly number[] = [
  -1,
  0,
  -0,
  0.5,
  1.5,
  -2_147_483_649,
  2_147_483_648,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  1e21,
  1e308,
  -1e308,
  5e-324,
  123_456_789.123_456_78,
];

/**
 * Number literals JSON.stringify cannot write but a client can send: they parse to Infinity,
 * to a rounded huge number, to -0… Placed in a body with `rawJson`.
 */
export const rawNumberLiterals: readonly string[] = [
  '1e400',
  '-1e400',
  `1${'0'.repeat(400)}`,
  `0.${'0'.repeat(400)}1`,
  '-0',
  '1E+2',
  '9007199254740993',
];

/** Any JSON value of another kind, for a wrong-type mutation. */
export const wrongTypeValues: readonly unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  '',
  'x',
  [],
  [null],
  {},
  { $ne: null },
  { $gt: '' },
  [[[[[[[[[[]]]]]]]]]],
];

/** Keys added to objects: prototype pollution and operator injection. */
export const hostileKeys: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  '$where',
  '$ne',
  'id',
  'role',
  'isAdmin',
  'version',
  'createdAt',
  'status',
  '',
  ' ',
  '\u0000',
  'a.b',
  'a[b]',
];

/** Values for an added key: attempts at prototype pollution, roles, flags. */
export const hostileKeyValues: readonly unknown[] = [
  { [POLLUTION_MARKER]: true },
  { prototype: { [POLLUTION_MARKER]: true } },
  { constructor: { prototype: { [POLLUTION_MARKER]: true } } },
  'Administrator',
  true,
  1,
  null,
  [],
];

/** Content types a JSON route must refuse (415): none of them is application/json. */
export const nonJsonContentTypes: readonly string[] = [
  'text/plain',
  'text/html; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  'application/merge-patch+json',
  'application/json-patch+json',
  'image/png',
  'application/pdf',
  'text/csv',
  'application/javascript',
  'json',
  '*/*',
  'application/*',
  'x/y; charset=utf-7',
];

/** Bytes a file upload may carry: truncated PDFs, images that are not, archives, nothing. */
export const hostileFiles: readonly Buffer[] = [
  Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj << /Type /Catalog >>'),
  Buffer.from('%PDF-1.7\n/JavaScript (app.alert(1))\n%%EOF'),
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]),
  Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]),
  Buffer.from('reference_echantillon;code_substance\n"unterminated;\u0000\n'),
  Buffer.from("=cmd|' /C calc'!A0;<script>alert(1)</script>\r\n"),
  Buffer.from([0xef, 0xbb, 0xbf, 0xfe, 0xff, 0x00, 0xd8, 0x00, 0xdc]),
  Buffer.alloc(1),
  Buffer.alloc(4096, 0xff),
];

/**
 * Header values must be printable Latin-1 (Node refuses to send anything else): hostile
 * strings are folded to that alphabet.
 */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?').slice(0, 2000);
}

/**
 * Percent-encodes a string for a URL as a browser would, from its UTF-8 bytes: every byte
 * but the unreserved characters. A lone surrogate becomes U+FFFD, as it would on the wire.
 * Dots are encoded too, so that `.` and `..` stay values and not path steps.
 */
export function percentEncode(value: string): string {
  try {
    return encodeURIComponent(value).replace(
      /[.!'()*]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    // A lone surrogate: encode the bytes Node would send (U+FFFD).
  }
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** What the server reads back from `percentEncode(value)`. */
export const asReceived = (value: string): string => Buffer.from(value, 'utf8').toString('utf8');

/** Path segments that no decoder can read (raw, not encoded): the router must answer 400. */
export const undecodableSegments: readonly string[] = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0',
  '%FF%FE',
  '%uD800',
];
