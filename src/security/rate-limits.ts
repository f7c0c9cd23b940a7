// Rate limits per token, per person and per door (spec 4: 429 with Retry-After),
// bearer guesses per address, and keypad guesses at a controller. In
// memory by default; in Redis when REDIS_URL is set, so several server
// processes share one count. While Redis is unreachable each process counts
// on its own (the insurance limiters), so limits still hold per process and
// no request waits for Redis; the log says so when that starts and ends.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { KeypadGuesses } from '../access/door-side-port.ts';
import type { MailRequestLimit } from '../access/identity-deps.ts';

export interface RateLimitSettings {
  perTokenPerMinute: number;
  perPersonPerMinute: number;
  perDoorPerMinute: number;
  badTokensPerAddressPerMinute: number;
  redisUrl: string | undefined;
}

export interface RateLimits {
  /** Counts one request, by the token's hash (`hashSecret`: no token reaches Redis); returns the seconds to wait when a limit is exceeded. */
  consume(tokenHash: string, personId: string): Promise<number | undefined>;
  /** Toggles of one door, whoever sends them (a garage door needs ~20 s to travel). */
  consumeDoor(doorId: string): Promise<number | undefined>;
  /** The seconds an address must wait after presenting too many bad bearer tokens; undefined when it may go on. */
  badTokenLock(address: string): Promise<number | undefined>;
  /** One bearer token from this address was found invalid, expired or revoked. */
  countBadToken(address: string): Promise<void>;
  /** Wrong PINs at one controller's keypad. */
  keypadGuesses: KeypadGuesses;
  /** Sign-up, password-reset and email-change mails a visitor asks for. */
  mailRequests: MailRequestLimit;
  /** Resolves once Redis answers (at once in memory); until then each process counts on its own. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

// Five wrong PINs at one keypad, then the keypad is ignored for the rest of five minutes.
const KEYPAD_GUESSES = 5;
const KEYPAD_WINDOW_S = 300;
// A.8: five mails to one address an hour; one client address may ask for a few addresses' worth.
const MAILS_PER_ADDRESS = 5;
const MAILS_PER_CLIENT = 20;
const MAIL_WINDOW_S = 3600;

/** Where the switch between shared and per-process counting is told. */
export interface RateLimitLog {
  warn(message: string): void;
  info(message: string): void;
}

// A Redis that stops answering without closing the connection must not hold requests either.
const REDIS_COMMAND_TIMEOUT_MS = 1000;

export function createRateLimits(settings: RateLimitSettings, log?: RateLimitLog): RateLimits {
  const redis = settings.redisUrl
    ? new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false, commandTimeout: REDIS_COMMAND_TIMEOUT_MS })
    : undefined;
  if (redis) reportRedisState(redis, log);
  const limiter = (keyPrefix: string, points: number, duration = 60): RateLimiterAbstract => redis
    ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `parqex:rl:${keyPrefix}`, points, duration, insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }) })
    : new RateLimiterMemory({ keyPrefix, points, duration });
  const perToken = limiter('token', settings.perTokenPerMinute);
  const perPerson = limiter('person', settings.perPersonPerMinute);
  const perDoor = limiter('door', settings.perDoorPerMinute);
  const keypad = limiter('keypad', KEYPAD_GUESSES, KEYPAD_WINDOW_S);
  const badTokens = limiter('bad-token', settings.badTokensPerAddressPerMinute);
  const mailsPerAddress = limiter('mail-address', MAILS_PER_ADDRESS, MAIL_WINDOW_S);
  const mailsPerClient = limiter('mail-client', MAILS_PER_CLIENT, MAIL_WINDOW_S);
  const waitFor = async (consumption: Promise<unknown>) => {
    try {
      await consumption;
      return undefined;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
      throw error;
    }
  };
  return {
    async consume(tokenHash, personId) {
      const results = await Promise.allSettled([perToken.consume(tokenHash), perPerson.consume(personId)]);
      const waits = results.flatMap((result) => (result.status === 'rejected' && result.reason instanceof RateLimiterRes ? [result.reason.msBeforeNext] : []));
      const failure = results.find((result) => result.status === 'rejected' && !(result.reason instanceof RateLimiterRes));
      if (failure) throw (failure as PromiseRejectedResult).reason;
      return waits.length ? Math.max(1, Math.ceil(Math.max(...waits) / 1000)) : undefined;
    },
    consumeDoor(doorId) {
      return waitFor(perDoor.consume(doorId));
    },
    async badTokenLock(address) {
      const counted = await badTokens.get(address);
      return counted && counted.consumedPoints >= settings.badTokensPerAddressPerMinute ? Math.max(1, Math.ceil(counted.msBeforeNext / 1000)) : undefined;
    },
    async countBadToken(address) {
      await badTokens.penalty(address);
    },
    mailRequests: {
      async take(email, clientAddress) {
        // Keyed by a hash: no email address reaches Redis.
        const emailKey = createHash('sha256').update(email.trim().toLowerCase()).digest('base64url');
        const waits = await Promise.all([waitFor(mailsPerAddress.consume(emailKey)), waitFor(mailsPerClient.consume(clientAddress))]);
        const over = waits.filter((wait): wait is number => wait !== undefined);
        return over.length > 0 ? Math.max(...over) : undefined;
      },
    },
    keypadGuesses: {
      take: async (deviceId) => (await waitFor(keypad.consume(deviceId))) === undefined,
      giveBack: async (deviceId) => void (await keypad.reward(deviceId)),
    },
    async ready() {
      if (redis && redis.status !== 'ready') await once(redis, 'ready');
    },
    async close() {
      redis?.disconnect();
    },
  };
}

/**
 * Once per change, not per request or per reconnection attempt: "counted per
 * process" when a working connection is lost, "shared" when Redis answers
 * after a loss or after a start without it (app.ts warns about that start).
 */
function reportRedisState(redis: Redis, log: RateLimitLog | undefined): void {
  let state: 'connecting' | 'shared' | 'per-process' = 'connecting';
  const lost = () => {
    if (state === 'shared') log?.warn('Redis is unreachable: rate limits are counted per process until it is back');
    state = 'per-process';
  };
  // Without an error listener ioredis prints every failed reconnection attempt.
  redis.on('error', lost);
  redis.on('close', lost);
  redis.on('ready', () => {
    if (state === 'per-process') log?.info('Redis is reachable: rate limits are shared through it again');
    state = 'shared';
  });
}
