import { lazy, Suspense } from 'react';
import { href } from '../route';
import { IntegrationsTab } from './integrations';
import { ActivityTab, CallPage } from './activity';
import { OutboundTab } from './outbound';
import { StatsTab } from './stats';

// The editors carry CodeMirror and jsonata: loaded only when a tenant opens one.
const MappingPage = lazy(() => import('./mapping'));
const ConditionsPage = lazy(() => import('./conditions'));

const TABS = [
  { id: '', label: 'Integrations' },
  { id: 'activity', label: 'Activity' },
  { id: 'outbound', label: 'Outbound' },
  { id: 'stats', label: 'Stats' },
];

/** One agent: its tabs, and the pages under an integration or a call. */
export function AgentPage({ agentId, rest, query }: { agentId: string; rest: string[]; query: URLSearchParams }) {
  const [section = '', id, sub] = rest;
  const current = section === 'calls' ? 'activity' : section === 'integrations' ? '' : section;
  return (
    <section aria-labelledby="agent-title">
      <p className="crumbs">
        <a href={href([])}>Agents</a> /
      </p>
      <h1 id="agent-title">{agentId}</h1>
      <nav className="tabs" aria-label="Agent sections">
        {TABS.map((t) => (
          <a key={t.id} href={href(['agents', agentId, ...(t.id ? [t.id] : [])])} aria-current={current === t.id ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
      </nav>
      <Suspense fallback={<p role="status">Loading the editor…</p>}>{page(agentId, section, id, sub, query)}</Suspense>
    </section>
  );
}

function page(agentId: string, section: string, id: string | undefined, sub: string | undefined, query: URLSearchParams) {
  if (section === 'integrations' && id && sub === 'mapping') return <MappingPage agentId={agentId} integrationId={id} />;
  if (section === 'integrations' && id && sub === 'conditions') return <ConditionsPage agentId={agentId} integrationId={id} />;
  if (section === 'calls' && id) return <CallPage agentId={agentId} callId={id} />;
  if (section === 'activity') return <ActivityTab agentId={agentId} query={query} />;
  if (section === 'outbound') return <OutboundTab agentId={agentId} />;
  if (section === 'stats') return <StatsTab agentId={agentId} />;
  return <IntegrationsTab agentId={agentId} connected={query.get('connected')} />;
}
