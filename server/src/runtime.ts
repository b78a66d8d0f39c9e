import pino from 'pino';
import { Worker, runSyncJob, startRetention, type HubServices, type Logger } from '@hub/core';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from './app.js';
import { bootstrap, type BootstrapExtras } from './bootstrap.js';
import type { Settings } from './settings.js';

/** The process logger: pino, with credentials redacted wherever they would appear; `to` is stdout, stderr or a stream. */
export function createLogger(level: string, to: 'stdout' | 'stderr' | pino.DestinationStream = 'stdout'): pino.Logger {
  return pino(
    {
      level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-webhook-secret"]',
          '*.apiKey',
          '*.api_key',
          '*.access_token',
          '*.refresh_token',
          '*.client_secret',
          '*.webhook_url',
        ],
        censor: '[redacted]',
      },
    },
    typeof to === 'string' ? pino.destination(to === 'stderr' ? 2 : 1) : to,
  );
}

/** Starts a worker that runs sync jobs from the store's queue. */
export function startWorker(hub: HubServices, settings: Settings, logger: Logger): Worker {
  const worker = new Worker(hub.queue, (job, owner, signal) => runSyncJob(hub, job, owner, signal), {
    concurrency: settings.workerConcurrency,
    // runSyncJob fences every write to a CRM (the step runner and the contact step).
    fenced: true,
    logger,
  });
  worker.start();
  return worker;
}

/** A running hub: the app (not yet listening), the engine, and its worker. */
export interface RunningHub {
  app: FastifyInstance;
  hub: HubServices;
  worker?: Worker;
  close(): Promise<void>;
}

/** Assembles engine, app and (unless HUB_WORKER=0) the in-process worker. */
export async function createHub(
  settings: Settings,
  extras: BootstrapExtras & Omit<AppOptions, 'hub' | 'logger'> = {},
  logger = createLogger(settings.logLevel),
): Promise<RunningHub> {
  const hub = await bootstrap(settings, logger, extras);
  const app = await buildApp({
    hub,
    logger,
    decorateIntegration: extras.decorateIntegration,
    plugins: extras.plugins,
    adminKey: settings.adminKey,
    metricsToken: settings.metricsToken,
    onRoute: extras.onRoute,
  });
  if (hub.engine.kind === 'embedded') {
    const freed = await hub.queue.releaseOrphans();
    if (freed) logger.warn({ jobs: freed }, 'resuming jobs that were running when the hub last stopped');
  }
  const worker = settings.worker ? startWorker(hub, settings, logger) : undefined;
  const stopRetention = startRetention(hub, settings.retentionDays);
  return {
    app,
    hub,
    worker,
    async close() {
      stopRetention();
      await worker?.stop();
      await app.close();
      await hub.engine.close();
    },
  };
}
