import { randomBytes } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { lstat, mkdir, open, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  pipeline as pipelineCallback,
  Readable,
  Transform,
  type TransformCallback,
} from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Config } from '../config';

export interface StoredObject {
  key: string;
  size: number;
  contentType: string;
}

/**
 * Where attachments (photos, PDFs) and generated documents live. Keys are chosen by the
 * application, never by a user (e.g. `samples/<uuid>/<uuid>`): anything outside the key
 * pattern is refused before any I/O.
 */
export interface FileStorage {
  /** Stores (or replaces) an object; with `size`, a body of any other length is refused. */
  put(
    key: string,
    body: Buffer | Readable,
    options: { contentType: string; size?: number },
  ): Promise<StoredObject>;
  /** The object, or null when absent. The caller must consume or destroy `body`. */
  get(key: string): Promise<{ body: Readable; contentType: string; size: number } | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; removing an absent object is not an error. */
  delete(key: string): Promise<void>;
  /** Throws when the store is unusable (startup, health check). */
  check(): Promise<void>;
}

/** A key or an option the application should never have produced: a programming error. */
export class InvalidStorageRequestError extends Error {}

/**
 * Lowercase letters, digits, `_`, `-`, and `/` between non-empty segments; at most 201
 * characters. No dot at all (hence no `..`, and no clash with the local store's suffixes),
 * no leading or trailing slash, no backslash, no uppercase, no unicode.
 */
const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]*(?:\/[a-z0-9_-]+)*$/;
const KEY_MAX_LENGTH = 201;
/** `type/subtype` with optional parameters, printable ASCII only (it becomes a header). */
const CONTENT_TYPE_PATTERN = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?: *;[\x20-\x7e]*)?$/;
const CONTENT_TYPE_MAX_LENGTH = 200;
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export function isValidStorageKey(key: unknown): key is string {
  return typeof key === 'string' && key.length <= KEY_MAX_LENGTH && KEY_PATTERN.test(key);
}

function assertKey(key: unknown): asserts key is string {
  if (!isValidStorageKey(key)) {
    throw new InvalidStorageRequestError(
      `Invalid storage key ${JSON.stringify(String(key).slice(0, 80))}`,
    );
  }
}

function assertPutOptions(
  body: Buffer | Readable,
  options: { contentType: string; size?: number },
): void {
  const { contentType, size } = options;
  if (
    typeof contentType !== 'string' ||
    contentType.length > CONTENT_TYPE_MAX_LENGTH ||
    !CONTENT_TYPE_PATTERN.test(contentType)
  ) {
    throw new InvalidStorageRequestError(
      `Invalid content type ${JSON.stringify(String(contentType).slice(0, 80))}`,
    );
  }
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new InvalidStorageRequestError(`Invalid size ${size}`);
  }
  if (!Buffer.isBuffer(body) && !(body instanceof Readable)) {
    throw new InvalidStorageRequestError('The body must be a Buffer or a Readable stream');
  }
  if (Buffer.isBuffer(body) && size !== undefined && body.length !== size) {
    throw new InvalidStorageRequestError(
      `The body has ${body.length} bytes, ${size} were announced`,
    );
  }
}

/** Counts the bytes going through; fails the stream once they exceed or miss `expected`. */
class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly expected: number | undefined) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
    this.bytes += chunk.length;
    if (this.expected !== undefined && this.bytes > this.expected) {
      callback(new Error(`The body is longer than the announced ${this.expected} bytes`));
      return;
    }
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback) {
    if (this.expected !== undefined && this.bytes !== this.expected) {
      callback(new Error(`The body has ${this.bytes} bytes, ${this.expected} were announced`));
      return;
    }
    callback();
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent + path.sep);
}

/**
 * Objects as files under `rootDir`: key `a/b` is stored as `a/b.data` with its content type in
 * `a/b.meta.json`. The suffixes keep files and folders apart (keys have no dot), so that `a`
 * and `a/b` can both exist, as in S3. Writes go to a temporary file in the same folder, which
 * is then renamed over the target: a reader sees the old object or the new one, never half.
 * Every path is checked to stay inside the root, symbolic links included.
 */
export function createLocalStorage(rootDir: string): FileStorage {
  const root = path.resolve(rootDir);

  function locate(key: string) {
    const data = path.resolve(root, `${key}.data`);
    const folder = path.dirname(data);
    // The key pattern already guarantees this; a second, independent check costs nothing.
    if (!isInside(root, folder) || !isInside(root, data) || data === root) {
      throw new InvalidStorageRequestError(`Storage key outside the root: ${key}`);
    }
    return { folder, data, meta: path.resolve(root, `${key}.meta.json`) };
  }

  /** Resolves symbolic links: the folder must really be inside the real root. */
  async function assertRealFolder(folder: string): Promise<void> {
    const [realRoot, realFolder] = await Promise.all([realpath(root), realpath(folder)]);
    if (!isInside(realRoot, realFolder)) {
      throw new Error(`Storage folder resolves outside the root: ${folder}`);
    }
  }

  /** False when the folder does not exist (or a file stands in its way): no object there. */
  async function folderExists(folder: string): Promise<boolean> {
    try {
      await assertRealFolder(folder);
      return true;
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return false;
      throw error;
    }
  }

  /**
   * Creates the folder of an object. The deepest folder that exists already is checked first,
   * so that not even an empty folder is created through a link pointing outside.
   */
  async function ensureFolder(folder: string): Promise<void> {
    await mkdir(root, { recursive: true });
    let existing = folder;
    for (;;) {
      try {
        await assertRealFolder(existing);
        break;
      } catch (error) {
        if (errorCode(error) !== 'ENOENT' || existing === root) throw error;
        existing = path.dirname(existing);
      }
    }
    if (existing !== folder) {
      await mkdir(folder, { recursive: true });
      await assertRealFolder(folder);
    }
  }

  function temporary(target: string): string {
    return `${target}.${randomBytes(8).toString('hex')}.tmp`;
  }

  return {
    async put(key, body, options) {
      assertKey(key);
      assertPutOptions(body, options);
      const { folder, data, meta } = locate(key);
      await ensureFolder(folder);
      const dataTemp = temporary(data);
      const metaTemp = temporary(meta);
      try {
        let size: number;
        if (Buffer.isBuffer(body)) {
          await writeFile(dataTemp, body, { flag: 'wx', flush: true });
          size = body.length;
        } else {
          const counter = new ByteCounter(options.size);
          await pipeline(body, counter, createWriteStream(dataTemp, { flags: 'wx', flush: true }));
          size = counter.bytes;
        }
        const stored: StoredObject = { key, size, contentType: options.contentType };
        await writeFile(metaTemp, JSON.stringify(stored), { flag: 'wx', flush: true });
        // Metadata first: the data file is what makes the object exist.
        await rename(metaTemp, meta);
        await rename(dataTemp, data);
        return stored;
      } catch (error) {
        await Promise.all([rm(dataTemp, { force: true }), rm(metaTemp, { force: true })]);
        throw error;
      }
    },

    async get(key) {
      assertKey(key);
      const { folder, data, meta } = locate(key);
      if (!(await folderExists(folder))) return null;
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        // A link in place of the file is not followed either.
        handle = await open(data, constants.O_RDONLY | constants.O_NOFOLLOW);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return null;
        throw error;
      }
      try {
        // Size from the open file: it stays right even if the object is replaced meanwhile.
        const { size } = await handle.stat();
        let contentType = DEFAULT_CONTENT_TYPE;
        try {
          const parsed = JSON.parse(await readFile(meta, 'utf8')) as Partial<StoredObject>;
          if (typeof parsed.contentType === 'string') contentType = parsed.contentType;
        } catch (error) {
          if (errorCode(error) !== 'ENOENT') throw error;
        }
        return { body: handle.createReadStream(), contentType, size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async exists(key) {
      assertKey(key);
      const { folder, data } = locate(key);
      if (!(await folderExists(folder))) return false;
      try {
        return (await lstat(data)).isFile();
      } catch (error) {
        if (errorCode(error) === 'ENOENT') return false;
        throw error;
      }
    },

    async delete(key) {
      assertKey(key);
      const { folder, data, meta } = locate(key);
      if (!(await folderExists(folder))) return;
      // Data first: the object is gone as soon as it is removed. Empty folders are kept, so
      // that a concurrent put into the same folder never loses it under its feet.
      await rm(data, { force: true });
      await rm(meta, { force: true });
    },

    async check() {
      await mkdir(root, { recursive: true });
      const probe = path.join(root, `.check-${randomBytes(8).toString('hex')}.tmp`);
      await writeFile(probe, 'ok', { flag: 'wx' });
      await rm(probe, { force: true });
    },
  };
}

export interface S3StorageOptions {
  /** Absent: AWS itself. Otherwise an S3-compatible service (MinIO, Scaleway, OVH…). */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`. */
  forcePathStyle: boolean;
}

function isNotFound(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === 'NoSuchKey' ||
      error.name === 'NotFound' ||
      (error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket'))
  );
}

/** Objects in an S3 bucket, which must exist already (the application never creates it). */
export function createS3Storage(options: S3StorageOptions): FileStorage {
  const { bucket } = options;
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    credentials: {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
    },
    // The SDK's default CRC checksums (trailers on every upload) are not understood by every
    // S3-compatible service; send them only where the API requires them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });

  return {
    async put(key, body, putOptions) {
      assertKey(key);
      assertPutOptions(body, putOptions);
      const { contentType } = putOptions;
      if (Buffer.isBuffer(body)) {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentType: contentType,
            ContentLength: body.length,
          }),
        );
        return { key, size: body.length, contentType };
      }
      // A stream of unknown length: one request under 5 MiB, a multipart upload above (aborted
      // on failure); at most queueSize × 5 MiB in memory.
      const counter = new ByteCounter(putOptions.size);
      // An error on either side destroys both; the upload sees it while reading `counter`.
      pipelineCallback(body, counter, () => {});
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: counter, ContentType: contentType },
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } finally {
        if (!counter.destroyed && !counter.readableEnded) counter.destroy();
      }
      return { key, size: counter.bytes, contentType };
    },

    async get(key) {
      assertKey(key);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (!(response.Body instanceof Readable)) {
          throw new Error('Unexpected S3 response body (not a Node.js stream)');
        }
        return {
          body: response.Body,
          contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
          size: response.ContentLength ?? 0,
        };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async exists(key) {
      assertKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },

    async delete(key) {
      assertKey(key);
      // S3 answers 204 whether the object existed or not.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        const status =
          error instanceof S3ServiceException ? ` (HTTP ${error.$metadata.httpStatusCode})` : '';
        throw new Error(`S3 bucket "${bucket}" is not usable${status}`, { cause: error });
      }
    },
  };
}

/** The store of the configuration: S3 when S3_BUCKET is set, else `<dataDir>/files`. */
export function createStorage(config: Config, dataDir: string): FileStorage {
  if (config.S3_BUCKET) {
    if (!config.S3_ACCESS_KEY_ID || !config.S3_SECRET_ACCESS_KEY) {
      // loadConfig refuses this already.
      throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required with S3_BUCKET');
    }
    return createS3Storage({
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      region: config.S3_REGION,
      bucket: config.S3_BUCKET,
      accessKeyId: config.S3_ACCESS_KEY_ID,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY,
      forcePathStyle: config.S3_FORCE_PATH_STYLE,
    });
  }
  return createLocalStorage(path.join(dataDir, 'files'));
}
