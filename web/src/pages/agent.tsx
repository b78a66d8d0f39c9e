import { href } from '../route';
import { IntegrationsTab } from './integrations';

const TABS = [
  { id: '', label: 'Integrations' },
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
      {page(agentId, section, id, sub, query)}
    </section>
  );
}

function page(agentId: string, section: string, id: string | undefined, sub: string | undefined, query: URLSearchParams) {
  void id;
  void sub;
  return <IntegrationsTab agentId={agentId} connected={query.get('connected')} />;
}
