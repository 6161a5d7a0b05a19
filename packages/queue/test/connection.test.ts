import { isFactorkitError } from '@factorkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QueueConnection, type RedisServerInfo, checkQueueServer, checkRedisServer, compareVersions, maskQueueUrl, parseQueueUrl, persistenceWarning } from '../src/index.js';
import { type TestRedis, redisAvailable, startRedisServer, testRedis } from './redis.js';

const thrown = async (f: () => unknown): Promise<Error> => {
  try {
    await f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('queue URLs', () => {
  it('masks the password wherever a URL appears, and keeps the user', () => {
    expect(maskQueueUrl('redis://alice:s3cret@host:6379/0')).toBe('redis://alice:***@host:6379/0');
    expect(maskQueueUrl('rediss://:s3cret@host')).toBe('rediss://:***@host');
    expect(maskQueueUrl('connect to redis://bob:p%40ss@10.0.0.1:6380 failed')).toBe('connect to redis://bob:***@10.0.0.1:6380 failed');
    expect(maskQueueUrl('redis://host:6379')).toBe('redis://host:6379');
  });

  it('accepts redis:// and rediss:// (TLS) and refuses anything else without printing the password', async () => {
    const plain = parseQueueUrl('redis://u:pw1@127.0.0.1:6379/2', '--queue');
    expect(plain).toEqual({ url: 'redis://u:pw1@127.0.0.1:6379/2', masked: 'redis://u:***@127.0.0.1:6379/2', tls: false, what: '--queue' });
    expect(parseQueueUrl('rediss://u:pw1@cache.example:6380').tls).toBe(true);
    for (const bad of ['http://u:topsecret@host', 'redis://u:topsecret@host/x', 'not a url topsecret']) {
      const error = await thrown(() => parseQueueUrl(bad, '--queue'));
      expect(isFactorkitError(error) && error.code).toBe('FK_INVALID_ARGUMENT');
      expect(error.message).toMatch(/^--queue: /);
      if (bad.includes('@')) expect(error.message).not.toContain('topsecret');
    }
  });

  it('compares versions by number', () => {
    expect(compareVersions('6.10.0', '6.2.0')).toBe(1);
    expect(compareVersions('6.2', '6.2.0')).toBe(0);
    expect(compareVersions('6.0.16', '6.2.0')).toBe(-1);
  });

  it('refuses a server older than 6.2 or with an evicting maxmemory-policy, with the reason', async () => {
    const connection: QueueConnection = parseQueueUrl('redis://u:pw9@old-host:6379');
    const fake = (version: string, policy: string) => ({
      info: (section: string) => Promise.resolve(section === 'server' ? `# Server\r\nredis_version:${version}\r\n` : section === 'memory' ? `# Memory\r\nmaxmemory_policy:${policy}\r\n` : '# Persistence\r\naof_enabled:0\r\n'),
      config: () => Promise.reject(new Error("ERR unknown command 'CONFIG'")),
    });
    // CONFIG disabled (a managed server): appendonly from INFO persistence, the save points unknown.
    await expect(checkRedisServer(fake('7.0.15', 'noeviction') as never, connection)).resolves.toEqual({ version: '7.0.15', maxmemoryPolicy: 'noeviction', persistence: { appendonly: false, save: null } });
    const old = await thrown(() => checkRedisServer(fake('6.0.16', 'noeviction') as never, connection, '--queue'));
    expect(old.message).toContain('its version is 6.0.16; BullMQ needs Redis 6.2.0 or later');
    expect(old.message).toContain('redis://u:***@old-host:6379');
    expect(old.message).not.toContain('pw9');
    const lru = await thrown(() => checkRedisServer(fake('7.2.4', 'allkeys-lru') as never, connection));
    expect(lru.message).toContain('its maxmemory-policy is `allkeys-lru`; it must be `noeviction`');
  });
});

describe('persistence warnings', () => {
  const connection = parseQueueUrl('redis://u:pw7@cache:6379');
  const info = (appendonly: boolean | null, save: string | null): RedisServerInfo => ({ version: '7.0.15', maxmemoryPolicy: 'noeviction', persistence: { appendonly, save } });

  it('says nothing for a server with an append-only file', () => {
    expect(persistenceWarning(info(true, ''), connection)).toBeUndefined();
    expect(persistenceWarning(info(true, null), connection)).toBeUndefined();
  });

  it('warns that a restart loses the queued runs without one, and how to fix it, never with the password', () => {
    expect(persistenceWarning(info(false, ''), connection)).toBe(
      'the Redis server at redis://u:***@cache:6379 has no persistence (`appendonly no`, no `save` points): a restart of Redis loses the queued runs: set appendonly yes (`CONFIG SET appendonly yes` and in redis.conf)',
    );
    expect(persistenceWarning(info(false, '3600 1 300 100'), connection)).toContain('RDB snapshots `save 3600 1 300 100` only): a restart of Redis loses the queued runs since its last snapshot: set appendonly yes');
    expect(persistenceWarning(info(null, null), connection)).toContain('could not read the persistence settings of the Redis server at redis://u:***@cache:6379');
  });
});

describe.skipIf(!redisAvailable)('a real Redis server', () => {
  let redis: TestRedis;
  let lru: TestRedis;
  let locked: TestRedis;
  let logged: TestRedis;
  beforeAll(async () => {
    redis = await testRedis();
    lru = await startRedisServer(['--maxmemory-policy', 'allkeys-lru']);
    locked = await startRedisServer([], 'rightpassword');
    logged = await startRedisServer(['--appendonly', 'yes', '--save', '900 1']);
  }, 30_000);
  afterAll(async () => {
    await Promise.all([redis?.stop(), lru?.stop(), locked?.stop(), logged?.stop()]);
  });

  it('reports its persistence: none on the test servers, the append-only file and save points when set', async () => {
    const none = await checkQueueServer(parseQueueUrl(`redis://:rightpassword@127.0.0.1:${locked.port}`));
    expect(none.persistence).toEqual({ appendonly: false, save: '' });
    const aof = await checkQueueServer(parseQueueUrl(logged.url));
    expect(aof.persistence).toEqual({ appendonly: true, save: '900 1' });
    expect(persistenceWarning(aof, parseQueueUrl(logged.url))).toBeUndefined();
  });

  it('is accepted when configured for BullMQ', async () => {
    const info = await checkQueueServer(parseQueueUrl(redis.url));
    expect(info.maxmemoryPolicy).toBe('noeviction');
    expect(compareVersions(info.version, '6.2.0')).toBeGreaterThanOrEqual(0);
  });

  it('is refused with maxmemory-policy allkeys-lru, naming the policy', async () => {
    const error = await thrown(() => checkQueueServer(parseQueueUrl(lru.url), '--queue'));
    expect(error.message).toMatch(/^--queue: the Redis server at redis:\/\/127\.0\.0\.1:\d+ cannot hold the queue: its maxmemory-policy is `allkeys-lru`/);
  });

  it('never prints the password of a URL, right or wrong', async () => {
    const port = locked.port;
    await expect(checkQueueServer(parseQueueUrl(`redis://default:rightpassword@127.0.0.1:${port}`))).resolves.toMatchObject({ maxmemoryPolicy: 'noeviction' });
    const wrong = await thrown(() => checkQueueServer(parseQueueUrl(`redis://default:wrongpassword@127.0.0.1:${port}`), '--queue'));
    expect(wrong.message).toContain(`redis://default:***@127.0.0.1:${port}`);
    expect(wrong.message).not.toContain('wrongpassword');
    expect(wrong.message).toMatch(/WRONGPASS|invalid username-password/i);
  });
});
