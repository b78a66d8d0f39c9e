import type { FastifyInstance } from 'fastify';
import { OutboundService, startOutboundWorker } from '@hub/core';
import type { Settings } from '../settings.js';
import { outboundRoutes } from './outbound-routes.js';
import { voiceEventRoutes } from './voice-event-routes.js';

/**
 * The outbound layer: trigger webhooks, outbound call status, voice provider events, and (unless
 * HUB_WORKER=0) the worker of the outbound queue, started when the app is ready and stopped with it.
 */
export function outboundExtension(settings: Pick<Settings, 'retellAnalysisWaitMs' | 'voiceLookupMs' | 'worker' | 'workerConcurrency'>): {
  plugins: Array<(app: FastifyInstance) => Promise<void>>;
} {
  return {
    plugins: [
      async (app) => {
        const out = new OutboundService(app.hub, { analysisWaitMs: settings.retellAnalysisWaitMs, callerLookupMs: settings.voiceLookupMs });
        await out.init();
        await app.register(outboundRoutes, { out });
        await app.register(voiceEventRoutes, { out });
        if (!settings.worker) return;
        let running: ReturnType<typeof startOutboundWorker> | undefined;
        app.addHook('onReady', async () => {
          running = startOutboundWorker(out, { concurrency: settings.workerConcurrency });
        });
        app.addHook('onClose', async () => running?.stop());
      },
    ],
  };
}
