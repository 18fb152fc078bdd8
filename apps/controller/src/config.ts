import { join } from 'node:path';
import type { OvercommitRatios } from '@gridplane/api';
import type { FastifyServerOptions } from 'fastify';
import type { EngineOptions } from './engine/engine.js';
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './services/rate-limit.js';
import { DEFAULT_SCRYPT_COST, type ScryptCost } from './services/users-passwords.js';
import { DEFAULT_STATS, type StatsOptions } from './stats/options.js';

export interface ControllerConfig {
  /** Holds the SQLite store (by default), the master key and the admin token. */
  dataDir: string;
  /** `postgres://…`, or a SQLite file path; default `<dataDir>/gridplane.db`. */
  database: string;
  listenHost: string;
  port: number;
  /** Overcommit ratios given to hosts when they register. */
  overcommit: OvercommitRatios;
  /** How often agents send heartbeats, and after how long without one a host is down. */
  heartbeatSeconds: number;
  downAfterSeconds: number;
  engine: Omit<EngineOptions, 'owner'>;
  /** Statistics collection and retention (docs/metrics.md). */
  stats: StatsOptions;
  /** Placement profile: `pack` (default) or `balance` (docs/scheduling.md). */
  profile: string;
  /** Per-plugin score weights on top of the profile, e.g. `{ "image-cache": 5 }`. */
  placementWeights?: Record<string, number>;
  logger: FastifyServerOptions['logger'];
  /** Whether anyone may register a new tenant with `POST /v1/register`. */
  selfRegistration: boolean;
  /** Requests per API token. */
  rateLimit: RateLimitOptions;
  /** scrypt parameters for new password hashes. */
  passwordCost: ScryptCost;
}

export const DEFAULT_OVERCOMMIT: OvercommitRatios = {
  vcpus: 4,
  memoryMiB: 1,
  diskGiB: 1,
  networkMbps: 1,
};

export function controllerConfig(
  partial: Partial<ControllerConfig> & { dataDir: string },
): ControllerConfig {
  return {
    database: join(partial.dataDir, 'gridplane.db'),
    listenHost: '127.0.0.1',
    port: 7400,
    overcommit: DEFAULT_OVERCOMMIT,
    heartbeatSeconds: 2,
    downAfterSeconds: 10,
    profile: 'pack',
    selfRegistration: false,
    rateLimit: DEFAULT_RATE_LIMIT,
    passwordCost: DEFAULT_SCRYPT_COST,
    logger: {
      level: 'info',
      redact: ['req.headers.authorization', '*.token', '*.credential', '*.agentKey', '*.joinToken'],
    },
    ...partial,
    engine: {
      concurrency: 64,
      leaseMs: 30_000,
      pollMs: 500,
      maxAttempts: 5,
      retryBaseMs: 1000,
      ...partial.engine,
    },
    stats: { ...DEFAULT_STATS, ...partial.stats },
  };
}
