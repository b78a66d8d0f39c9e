import type { StoreEngine } from './store/types.js';
import type { Registry } from './registry/registry.js';
import type { Keyring } from './security/crypto.js';
import type { ConnectionView, Logger } from './engine/types.js';
import { ConnectorRuntime, type RunOptions, type RuntimeConnection, type RuntimeDeps } from './engine/runtime.js';
import { HubError, isHubError } from './errors/hub-error.js';
import { RateLimiter } from './http/limiter.js';
import { StoreRateBudget, type BudgetSlot } from './http/shared-budget.js';
import type { OAuthStrategyFactory } from './auth/index.js';
import type { OAuthApp } from './auth/oauth2/token-client.js';
import { TenantRepo } from './store/repos/tenants.js';
import { IntegrationRepo } from './store/repos/integrations.js';
import { CallRepo } from './store/repos/calls.js';
import { SyncLogRepo } from './store/repos/sync-logs.js';
import { LockRepo } from './store/repos/locks.js';
import { ContactLinkRepo } from './store/repos/contact-links.js';
import { CallPages } from './store/repos/call-pages.js';
import { JobReports } from './store/repos/job-reports.js';
import type { IntegrationDoc, JobDoc } from './store/repos/documents.js';
import { JobQueue, queueStoreOptions } from './queue/job-queue.js';
import { CallBookingRepo, type CallBookingDoc } from './voice/call-bookings.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './queue/backoff.js';
import type { HostResolver } from './http/safe-url.js';
import { notifyHealth } from './hub/health.js';

/** Deployment settings the engine needs. */
export interface HubSettings {
  allowPrivateUrls: boolean;
  publicUrl: string;
  backoff?: BackoffPolicy;
  /** OAuth apps by env-style connector key (HUBSPOT, GOOGLE_CALENDAR, …) */
  oauthApps?: Record<string, OAuthApp>;
  /** where the browser goes after a successful OAuth callback; none shows a small page */
  oauthSuccessUrl?: string;
  /** how tenant URLs' host names are resolved at input (default: the system resolver); tests inject one */
  resolveHost?: HostResolver;
}

/** Every repository, over one store engine. */
export interface Repos {
  tenants: TenantRepo;
  integrations: IntegrationRepo;
  calls: CallRepo;
  syncLogs: SyncLogRepo;
  locks: LockRepo;
  links: ContactLinkRepo;
  /** listings over calls (newest first, latest per agent) */
  callPages: CallPages;
  /** read-only reports over jobs (per call page, per day) */
  jobReports: JobReports;
  /** appointments voice agents booked during calls */
  bookings: CallBookingRepo;
}

/** The assembled engine: store, repositories, queue, registry and settings. No HTTP server. */
export class HubServices {
  readonly repos: Repos;
  readonly queue: JobQueue;
  readonly runtimeDeps: RuntimeDeps;
  /** Connections' rate budgets shared with the other hub processes (MongoDB only). */
  readonly rateBudget?: StoreRateBudget;

  constructor(
    readonly engine: StoreEngine,
    readonly registry: Registry,
    readonly keyring: Keyring,
    readonly settings: HubSettings,
    readonly logger: Logger,
    oauth?: (hub: HubServices) => OAuthStrategyFactory,
  ) {
    // One process per embedded data folder: every write passes through these repositories, so what
    // each request reads about its tenant and agent can stay in memory until one of them changes it.
    const cacheReads = engine.kind === 'embedded';
    this.repos = {
      tenants: new TenantRepo(engine.collection('tenants'), { cacheReads }),
      integrations: new IntegrationRepo(engine.collection<IntegrationDoc>('integrations'), keyring, { cacheReads }),
      calls: new CallRepo(engine.collection('calls')),
      syncLogs: new SyncLogRepo(engine.collection('sync_logs')),
      locks: new LockRepo(engine.collection('locks')),
      links: new ContactLinkRepo(engine.collection('contact_links')),
      callPages: new CallPages(engine.collection('calls')),
      jobReports: new JobReports(engine.collection<JobDoc>('jobs')),
      bookings: new CallBookingRepo(engine.collection<CallBookingDoc>('call_bookings')),
    };
    // A CRM refusing our credentials (a sync, a booking, a refused token refresh) tells the tenant.
    this.repos.integrations.onStatusChange = async (before, status) => {
      if (status === 'needs_reauth') await notifyHealth(this, { ...before, status }, 'integration.needs_reauth');
    };
    this.queue = new JobQueue(engine.collection<JobDoc>('jobs'), settings.backoff ?? DEFAULT_BACKOFF, queueStoreOptions(engine));
    // Only a shared store can have other processes sending on the same connection.
    this.rateBudget =
      engine.kind === 'mongodb' ? new StoreRateBudget(engine.collection<BudgetSlot>('rate_slots'), () => engine.now()) : undefined;
    this.runtimeDeps = {
      allowPrivateUrls: settings.allowPrivateUrls,
      limiters: new Map<string, RateLimiter>(),
      rateBudget: this.rateBudget,
      logger,
      oauth: oauth?.(this),
    };
  }

  /** Creates every index; call once at start. */
  async init(): Promise<void> {
    const r = this.repos;
    await Promise.all([
      r.tenants.ensureIndexes(),
      r.integrations.ensureIndexes(),
      r.calls.ensureIndexes(),
      r.syncLogs.ensureIndexes(),
      this.queue.ensureIndexes(),
      r.callPages.ensureIndexes(),
      r.bookings.ensureIndexes(),
      this.rateBudget?.ensureIndexes(),
    ]);
  }

  /** A runtime for one stored integration; `connection` replaces parts of it (a mapping preview). */
  runtimeFor(doc: IntegrationDoc, run: RunOptions = {}, connection: Partial<RuntimeConnection> = {}): ConnectorRuntime {
    const connector = this.registry.get(doc.type);
    if (!connector) throw new HubError('HUB_ERR_UNKNOWN_CONNECTOR', `connector ${doc.type} is not installed`);
    const base: RuntimeConnection = {
      view: this.connectionView(doc),
      config: doc.config,
      credentials: this.repos.integrations.credentials(doc),
      fieldMappings: doc.fieldMappings,
      fieldModes: doc.fieldModes,
      mappings: doc.mappings,
    };
    return new ConnectorRuntime(connector, { ...base, ...connection }, this.runtimeDeps, run);
  }

  /** The one rule for a CRM refusing credentials, wherever it happens: the integration needs reauthorizing. */
  async noteAuthFailure(integrationId: string, err: unknown): Promise<void> {
    if (isHubError(err) && err.code === 'HUB_ERR_CRM_AUTH')
      await this.repos.integrations.setStatus(integrationId, 'needs_reauth', err.message);
  }

  /** The non-secret view of a connection that manifests and hooks see. */
  connectionView(doc: IntegrationDoc): ConnectionView {
    return { id: doc._id, tenantId: doc.tenantId, agentId: doc.agentId, type: doc.type, account: doc.account ?? {} };
  }
}
