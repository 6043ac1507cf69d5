import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import {
  createLocalStorage,
  createS3Storage,
  createStorage,
  type FileStorage,
  InvalidStorageRequestError,
} from './storage';

const BUCKET = 'maestro';
// s3rver checks signatures against its single built-in account.
const S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let workDir: string;
let s3Server: Server;
let s3Endpoint: string;
/** Requests that reached the S3 server: proves that a refused call did no I/O. */
let s3Requests = 0;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(tmpdir(), 'maestro-storage-'));
  const s3rver = new S3rver({
    directory: path.join(workDir, 's3rver'),
    silent: true,
    configureBuckets: [{ name: BUCKET, configs: [] }],
  });
  await s3rver.configureBuckets();
  const handle = s3rver.callback();
  s3Server = createServer((req, res) => {
    s3Requests += 1;
    handle(req, res);
  });
  await new Promise<void>((resolve) => s3Server.listen(0, '127.0.0.1', resolve));
  s3Endpoint = `http://127.0.0.1:${(s3Server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  s3Server.closeAllConnections();
  await new Promise<void>((resolve) => s3Server.close(() => resolve()));
  await rm(workDir, { recursive: true, force: true });
});

interface Backend {
  name: string;
  create(): Promise<FileStorage>;
  /** A fresh store, and a probe telling whether any I/O has reached it since. */
  createWatched(): Promise<{ storage: FileStorage; touched(): Promise<boolean> }>;
  /** A store of this kind that cannot work. */
  createUnusable(): Promise<FileStorage>;
}

async function pathExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

const local: Backend = {
  name: 'local folder',
  async create() {
    return createLocalStorage(await mkdtemp(path.join(workDir, 'local-')));
  },
  async createWatched() {
    // The root does not exist yet: the first write would create it.
    const root = path.join(await mkdtemp(path.join(workDir, 'local-')), 'files');
    return { storage: createLocalStorage(root), touched: () => pathExists(root) };
  },
  async createUnusable() {
    const file = path.join(workDir, `not-a-folder-${randomUUID()}`);
    await writeFile(file, 'x');
    return createLocalStorage(file);
  },
};

function s3(bucket = BUCKET): FileStorage {
  return createS3Storage({
    endpoint: s3Endpoint,
    region: 'us-east-1',
    bucket,
    forcePathStyle: true,
    ...S3_CREDENTIALS,
  });
}

const s3Backend: Backend = {
  name: 'S3 (s3rver)',
  async create() {
    return s3();
  },
  async createWatched() {
    const before = s3Requests;
    return { storage: s3(), touched: async () => s3Requests !== before };
  },
  async createUnusable() {
    return s3('no-such-bucket');
  },
};

async function read(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Cuts a buffer into uneven chunks, as a network upload would deliver it. */
function streamOf(data: Buffer, chunkSize = 64 * 1024 + 17): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += chunkSize) {
    chunks.push(data.subarray(offset, offset + chunkSize));
  }
  return Readable.from(chunks);
}

const sampleKey = () => `samples/${randomUUID()}/${randomUUID()}`;

const INVALID_KEYS = [
  '../etc/passwd',
  '/abs',
  '/etc/passwd',
  'a/../../b',
  'a/./b',
  '..',
  'a\\b',
  '..\\..\\windows',
  '',
  'Samples/x',
  'samples/ÉCHANTILLON',
  'échantillon',
  'samples/x\u0000',
  'a\nb',
  'a b',
  'a/',
  'a//b',
  '.hidden',
  'photo.jpg',
  'a%2f..%2fb',
  'x'.repeat(202),
];

describe.each([local, s3Backend])('file storage: $name', (backend) => {
  let storage: FileStorage;

  beforeAll(async () => {
    storage = await backend.create();
  });

  it('keeps a Buffer, its content type and its size', async () => {
    const key = sampleKey();
    const content = Buffer.from('%PDF-1.7\nrapport d’analyse\n');
    const stored = await storage.put(key, content, { contentType: 'application/pdf' });
    expect(stored).toEqual({ key, size: content.length, contentType: 'application/pdf' });

    const object = await storage.get(key);
    expect(object).not.toBeNull();
    expect(object!.contentType).toBe('application/pdf');
    expect(object!.size).toBe(content.length);
    expect(await read(object!.body)).toEqual(content);
  });

  it('keeps a stream, with or without an announced size', async () => {
    const content = randomBytes(200_000);
    const withoutSize = sampleKey();
    const stored = await storage.put(withoutSize, streamOf(content), {
      contentType: 'image/jpeg',
    });
    expect(stored).toEqual({ key: withoutSize, size: content.length, contentType: 'image/jpeg' });

    const withSize = sampleKey();
    await storage.put(withSize, streamOf(content), {
      contentType: 'text/csv; charset=utf-8',
      size: content.length,
    });

    for (const [key, contentType] of [
      [withoutSize, 'image/jpeg'],
      [withSize, 'text/csv; charset=utf-8'],
    ] as const) {
      const object = await storage.get(key);
      expect(object).toMatchObject({ contentType, size: content.length });
      expect((await read(object!.body)).equals(content)).toBe(true);
    }
  });

  it('keeps binary content of several megabytes intact (Buffer and stream)', async () => {
    // Above 5 MiB: a multipart upload on S3.
    const content = randomBytes(6 * 1024 * 1024 + 123);
    const fromBuffer = sampleKey();
    const fromStream = sampleKey();
    await storage.put(fromBuffer, content, { contentType: 'application/octet-stream' });
    const stored = await storage.put(fromStream, streamOf(content), {
      contentType: 'image/png',
      size: content.length,
    });
    expect(stored.size).toBe(content.length);
    for (const key of [fromBuffer, fromStream]) {
      const object = await storage.get(key);
      expect(object!.size).toBe(content.length);
      expect(sha256(await read(object!.body))).toBe(sha256(content));
    }
  });

  it('tells whether an object exists, and gives null for an absent one', async () => {
    const key = sampleKey();
    expect(await storage.exists(key)).toBe(false);
    expect(await storage.get(key)).toBeNull();
    expect(await storage.get(`never/${randomUUID()}/created`)).toBeNull();
    await storage.put(key, Buffer.from('x'), { contentType: 'text/plain' });
    expect(await storage.exists(key)).toBe(true);
    // A prefix of a key is not an object.
    expect(await storage.exists(key.slice(0, key.lastIndexOf('/')))).toBe(false);
  });

  it('replaces an object stored again under the same key', async () => {
    const key = sampleKey();
    await storage.put(key, Buffer.from('première version'), { contentType: 'text/plain' });
    await storage.put(key, Buffer.from('{"v":2}'), { contentType: 'application/json' });
    const object = await storage.get(key);
    expect(object).toMatchObject({ contentType: 'application/json', size: 7 });
    expect((await read(object!.body)).toString()).toBe('{"v":2}');
  });

  it('lets a key be both an object and the prefix of other keys, as S3 does', async () => {
    const key = sampleKey();
    await storage.put(key, Buffer.from('parent'), { contentType: 'text/plain' });
    await storage.put(`${key}/child`, Buffer.from('child'), { contentType: 'text/plain' });
    expect((await read((await storage.get(key))!.body)).toString()).toBe('parent');
    expect((await read((await storage.get(`${key}/child`))!.body)).toString()).toBe('child');
  });

  it('deletes idempotently', async () => {
    const key = sampleKey();
    await storage.put(key, Buffer.from('x'), { contentType: 'text/plain' });
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
    expect(await storage.get(key)).toBeNull();
    await expect(storage.delete(key)).resolves.toBeUndefined();
    await expect(storage.delete(`never/${randomUUID()}`)).resolves.toBeUndefined();
  });

  it('refuses a stream whose length differs from the announced size, storing nothing', async () => {
    const short = sampleKey();
    await expect(
      storage.put(short, streamOf(Buffer.alloc(100)), { contentType: 'image/png', size: 101 }),
    ).rejects.toThrow(/101/);
    const long = sampleKey();
    await expect(
      storage.put(long, streamOf(Buffer.alloc(100)), { contentType: 'image/png', size: 99 }),
    ).rejects.toThrow(/99/);
    // Found out only at the end of a multipart upload on S3: the upload is aborted.
    const big = sampleKey();
    const content = randomBytes(6 * 1024 * 1024);
    await expect(
      storage.put(big, streamOf(content), { contentType: 'image/png', size: content.length + 1 }),
    ).rejects.toThrow();
    for (const key of [short, long, big]) expect(await storage.exists(key)).toBe(false);
  });

  it('stores nothing when the incoming stream fails', async () => {
    const key = sampleKey();
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(1000);
        throw new Error('connexion interrompue');
      })(),
    );
    await expect(storage.put(key, failing, { contentType: 'image/jpeg' })).rejects.toThrow(
      /connexion interrompue/,
    );
    expect(await storage.exists(key)).toBe(false);
  });

  it('refuses invalid keys and options before any I/O', async () => {
    const { storage: watched, touched } = await backend.createWatched();
    for (const key of [...INVALID_KEYS, undefined as unknown as string]) {
      await expect(
        watched.put(key, Buffer.from('x'), { contentType: 'text/plain' }),
        JSON.stringify(key),
      ).rejects.toBeInstanceOf(InvalidStorageRequestError);
      await expect(watched.get(key)).rejects.toBeInstanceOf(InvalidStorageRequestError);
      await expect(watched.exists(key)).rejects.toBeInstanceOf(InvalidStorageRequestError);
      await expect(watched.delete(key)).rejects.toBeInstanceOf(InvalidStorageRequestError);
    }
    const key = sampleKey();
    for (const contentType of ['', 'pdf', 'text/plain\r\nX-Injected: 1', 'image/é']) {
      await expect(
        watched.put(key, Buffer.from('x'), { contentType }),
        contentType,
      ).rejects.toBeInstanceOf(InvalidStorageRequestError);
    }
    for (const size of [-1, 1.5, 2]) {
      await expect(
        watched.put(key, Buffer.from('x'), { contentType: 'text/plain', size }),
      ).rejects.toBeInstanceOf(InvalidStorageRequestError);
    }
    expect(await touched()).toBe(false);
  });

  it('passes its check when usable, and fails it when not', async () => {
    await expect(storage.check()).resolves.toBeUndefined();
    await expect((await backend.createUnusable()).check()).rejects.toThrow();
  });
});

describe('local file storage', () => {
  /** Regular files under `dir` (symbolic links are not followed). */
  async function listFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
  }

  it('never writes outside its root, even through a symbolic link', async () => {
    const base = await mkdtemp(path.join(workDir, 'confined-'));
    const root = path.join(base, 'files');
    const outside = path.join(base, 'outside');
    await mkdir(outside);
    const storage = createLocalStorage(root);

    const key = sampleKey();
    await storage.put(key, Buffer.from('a'), { contentType: 'text/plain' });
    await storage.put(`${key}/b`, streamOf(Buffer.from('b')), { contentType: 'text/plain' });
    for (const bad of ['../outside/x', '../files-evil/x', 'a/../../outside/y', '/tmp/x']) {
      await expect(
        storage.put(bad, Buffer.from('x'), { contentType: 'text/plain' }),
      ).rejects.toBeInstanceOf(InvalidStorageRequestError);
    }

    // A link planted inside the root towards the outside is not followed.
    await symlink(outside, path.join(root, 'linked'));
    for (const linked of ['linked/x', 'linked/deeper/x']) {
      await expect(
        storage.put(linked, Buffer.from('x'), { contentType: 'text/plain' }),
      ).rejects.toThrow(/outside the root/);
    }
    await expect(storage.get('linked/x')).rejects.toThrow(/outside the root/);
    await writeFile(path.join(outside, 'secret'), 'secret');
    await symlink(path.join(outside, 'secret'), path.join(root, `${key}/leak.data`));
    await expect(storage.get(`${key}/leak`)).rejects.toThrow(/ELOOP/);
    expect(await storage.exists(`${key}/leak`)).toBe(false);
    await rm(path.join(outside, 'secret'));
    await expect(storage.delete('linked/x')).rejects.toThrow(/outside the root/);

    const files = await listFiles(base);
    expect(files.every((file) => file.startsWith(root + path.sep))).toBe(true);
    expect(await readdir(outside)).toEqual([]);
    // Only objects and their metadata: no temporary file left behind.
    expect(files.filter((file) => !/\.(data|meta\.json)$/.test(file))).toEqual([]);
    expect(files).toHaveLength(4);
  });

  it('creates its root on demand and reads nothing from a missing one', async () => {
    const root = path.join(workDir, `absent-${randomUUID()}`, 'files');
    const storage = createLocalStorage(root);
    expect(await storage.get('samples/x')).toBeNull();
    expect(await storage.exists('samples/x')).toBe(false);
    await storage.delete('samples/x');
    expect(await pathExists(root)).toBe(false);
    await storage.check();
    expect(await pathExists(root)).toBe(true);
  });
});

describe('createStorage', () => {
  it('uses the folder DATA_DIR/files without S3_BUCKET', async () => {
    const dataDir = await mkdtemp(path.join(workDir, 'data-'));
    const storage = createStorage(loadConfig({}), dataDir);
    await storage.put('reports/r1', Buffer.from('x'), { contentType: 'text/plain' });
    expect(await pathExists(path.join(dataDir, 'files', 'reports', 'r1.data'))).toBe(true);
  });

  it('uses S3 when S3_BUCKET is set', async () => {
    const storage = createStorage(
      loadConfig({
        S3_ENDPOINT: s3Endpoint,
        S3_BUCKET: BUCKET,
        S3_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
        S3_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
      }),
      path.join(workDir, 'unused'),
    );
    const key = sampleKey();
    await storage.put(key, Buffer.from('x'), { contentType: 'text/plain' });
    expect(await s3().exists(key)).toBe(true);
    expect(await pathExists(path.join(workDir, 'unused'))).toBe(false);
  });
});
