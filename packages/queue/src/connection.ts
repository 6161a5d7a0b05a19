import { FactorkitError, isFactorkitError } from '@factorkit/core';
import { Redis } from 'ioredis';

/** A parsed queue URL: what to connect to, and the same URL with its credentials masked for printing. */
export interface QueueConnection {
  /** `redis://…` or `rediss://…` (TLS), exactly as given: never print it, print {@link masked}. */
  readonly url: string;
  /** The URL with any password replaced by `***` (`redis://user:***@host:6379/0`): the only form that is printed. */
  readonly masked: string;
  /** Whether the connection uses TLS (`rediss://`). */
  readonly tls: boolean;
  /** What messages about this server name (the flag it came from, `--queue`). */
  readonly what: string;
}

/** Oldest Redis BullMQ supports. */
export const MIN_REDIS_VERSION = '6.2.0';

/**
 * Parse a queue URL (`redis://[user[:password]@]host[:port][/db]` or `rediss://` for TLS).
 * Messages name `what` (the flag) and show only the masked URL.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` for anything else.
 */
export function parseQueueUrl(text: string, what = 'queue'): QueueConnection {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: expected a URL such as \`redis://127.0.0.1:6379\` or \`rediss://user:password@host:6380/0\`, got \`${maskQueueUrl(text)}\``);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: the scheme must be \`redis:\` or \`rediss:\` (TLS), got \`${url.protocol}\` in \`${maskQueueUrl(text)}\``);
  }
  if (url.hostname === '') throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: no host in \`${maskQueueUrl(text)}\``);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: the path must be a database number (\`/0\`), got \`/${db}\` in \`${maskQueueUrl(text)}\``);
  return { url: text.trim(), masked: maskQueueUrl(text), tls: url.protocol === 'rediss:', what };
}

/**
 * `text` with the password of any `scheme://user:password@` in it replaced by `***` — for URLs
 * and for messages that may quote one (an ioredis error). A URL without a user keeps its
 * password-only form masked too (`redis://:***@host`).
 */
export function maskQueueUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^:@/\s]*):([^@/\s]*)@/gi, (_all, scheme: string, user: string) => `${scheme}${user}:***@`);
}

/**
 * A new ioredis client for `connection` (URL with credentials and TLS as given), as BullMQ
 * wants it: blocking commands may wait (`maxRetriesPerRequest: null`), and a lost server is
 * reconnected to (a restarted Redis resumes the run).
 */
export function connectRedis(connection: QueueConnection): Redis {
  return new Redis(connection.url, { maxRetriesPerRequest: null });
}

/** How a Redis server keeps its data across a restart (`null`: could not be read, e.g. `CONFIG` disabled). */
export interface RedisPersistence {
  /** `appendonly yes`: every write is logged, and a restarted server has every job and result. */
  readonly appendonly: boolean | null;
  /** The RDB save points (`3600 1 300 100`), `''` for none. */
  readonly save: string | null;
}

/** What {@link checkRedisServer} found. */
export interface RedisServerInfo {
  readonly version: string;
  readonly maxmemoryPolicy: string;
  readonly persistence: RedisPersistence;
}

/**
 * Refuse a Redis server BullMQ cannot run on safely: older than 6.2, or with a
 * `maxmemory-policy` other than `noeviction` (an evicting server drops queued jobs and their
 * locks silently). Reads `INFO server` and `INFO memory` (no `CONFIG`, often disabled on
 * managed servers), then the persistence settings (`CONFIG GET appendonly` and `save`, else
 * `INFO persistence`'s `aof_enabled`), which are reported, not required: see
 * {@link persistenceWarning}.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` naming the server (masked) and the reason.
 */
export async function checkRedisServer(redis: Redis, connection: QueueConnection, what = connection.what): Promise<RedisServerInfo> {
  const info = `${await redis.info('server')}\n${await redis.info('memory')}`;
  const field = (name: string): string | undefined => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
  const version = field('redis_version') ?? '?';
  const policy = field('maxmemory_policy') ?? '?';
  const problems: string[] = [];
  if (compareVersions(version, MIN_REDIS_VERSION) < 0) problems.push(`its version is ${version}; BullMQ needs Redis ${MIN_REDIS_VERSION} or later`);
  if (policy !== 'noeviction') problems.push(`its maxmemory-policy is \`${policy}\`; it must be \`noeviction\` (an evicting server drops queued jobs and their locks): \`CONFIG SET maxmemory-policy noeviction\` and the same in redis.conf`);
  if (problems.length > 0) throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: the Redis server at ${connection.masked} cannot hold the queue: ${problems.join('; ')}`, { details: { version, maxmemoryPolicy: policy } });
  return { version, maxmemoryPolicy: policy, persistence: await readPersistence(redis) };
}

/** `CONFIG GET appendonly` and `save`; without `CONFIG` (managed servers rename or disable it), `INFO persistence`'s `aof_enabled`. */
async function readPersistence(redis: Redis): Promise<RedisPersistence> {
  const config = async (name: string): Promise<string | null> => {
    try {
      const reply = (await redis.config('GET', name)) as unknown;
      return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
    } catch {
      return null;
    }
  };
  const appendonly = await config('appendonly');
  const save = await config('save');
  if (appendonly !== null) return { appendonly: appendonly === 'yes', save };
  try {
    const aof = /^aof_enabled:(\d)/m.exec(await redis.info('persistence'))?.[1];
    return { appendonly: aof === undefined ? null : aof === '1', save };
  } catch {
    return { appendonly: null, save };
  }
}

/**
 * What a restart of the server would lose, as a warning to print, or `undefined` when the server
 * logs every write (`appendonly yes`): without the append-only file, a restarted Redis has lost
 * the queued jobs and results (all of them with no persistence, those since the last RDB
 * snapshot with `save` points only), and a run waiting on them stops with an error telling to
 * rerun it.
 */
export function persistenceWarning(info: RedisServerInfo, connection: QueueConnection): string | undefined {
  const { appendonly, save } = info.persistence;
  if (appendonly === true) return undefined;
  const where = `the Redis server at ${connection.masked}`;
  if (appendonly === null) return `could not read the persistence settings of ${where} (CONFIG GET is not allowed): unless it has \`appendonly yes\`, a restart of Redis loses the queued runs`;
  if (save !== null && save.trim() !== '') {
    return `${where} has no append-only file (\`appendonly no\`, RDB snapshots \`save ${save.trim()}\` only): a restart of Redis loses the queued runs since its last snapshot: set appendonly yes (\`CONFIG SET appendonly yes\` and in redis.conf)`;
  }
  return `${where} has no persistence (\`appendonly no\`, no \`save\` points): a restart of Redis loses the queued runs: set appendonly yes (\`CONFIG SET appendonly yes\` and in redis.conf)`;
}

/** Compare dotted versions numerically (`6.10.0` > `6.2.0`); a part that is not a number counts as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/**
 * Connect once, check the server ({@link checkRedisServer}) and disconnect. A connection
 * failure becomes an error naming the masked URL; ioredis' own message, which may quote the
 * URL, is masked too.
 *
 * @throws FactorkitError `FK_INVALID_ARGUMENT` (unreachable, too old, evicting).
 */
export async function checkQueueServer(connection: QueueConnection, what = connection.what): Promise<RedisServerInfo> {
  const redis = new Redis(connection.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 1, connectTimeout: 10_000 });
  // ioredis reports the cause (refused, WRONGPASS, TLS) as an event and rejects with `Connection is closed`: keep the cause.
  let cause: Error | undefined;
  redis.on('error', (error: Error) => void (cause ??= error));
  try {
    await redis.connect();
    return await checkRedisServer(redis, connection, what);
  } catch (error) {
    if (isFactorkitError(error)) throw error;
    const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
    throw new FactorkitError('FK_INVALID_ARGUMENT', `${what}: cannot use the Redis server at ${connection.masked}: ${maskQueueUrl(reason)}`);
  } finally {
    redis.disconnect();
  }
}

/**
 * Listeners for a run's or a worker's Redis connections that pass each error message on masked,
 * and once in a row: a lost server is reported once, not at every reconnection attempt of every
 * connection (the clients go on by themselves once Redis is back); once a connection is ready
 * again, the same message is reported again if it comes back.
 */
export function connectionErrorReporter(report: (message: string) => void): { readonly error: (error: Error) => void; readonly ready: () => void } {
  let last = '';
  return {
    error: (error) => {
      const message = maskQueueUrl(error.message);
      if (message === last) return;
      last = message;
      report(message);
    },
    ready: () => {
      last = '';
    },
  };
}
