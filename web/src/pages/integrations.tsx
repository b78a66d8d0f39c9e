import { useState } from 'react';
import { seg } from '../api';
import { LoadError, useApi, useInterval, useLoad } from '../hooks';
import { go, href } from '../route';
import { IntegrationCard } from '../components/integration-card';
import { IntegrationForm } from '../components/integration-form';
import { Dialog, Field, Status } from '../components/ui';
import type { Connector, Integration } from '../types';

type Open = { kind: 'connect' } | { kind: 'edit'; integration: Integration } | { kind: 'disconnect'; integration: Integration } | null;

/** An agent's integrations as cards, with the connect, edit and disconnect dialogs. */
export function IntegrationsTab({ agentId, connected }: { agentId: string; connected: string | null }) {
  const connectors = useLoad((api) => api<{ connectors: Connector[] }>('GET', '/api/connectors'), 'connectors');
  const list = useLoad((api) => api<{ integrations: Integration[] }>('GET', `/api/agents/${seg(agentId)}/integrations`), agentId);
  const [open, setOpen] = useState<Open>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useInterval(list.reload, 10_000, open === null);
  const byId = new Map((connectors.data?.connectors ?? []).map((c) => [c.id, c]));
  const justConnected = connected ? list.data?.integrations.find((i) => i.id === connected) : undefined;
  const close = () => setOpen(null);
  const done = (message: string) => {
    setOpen(null);
    setNotice(message);
    list.reload();
  };
  return (
    <div className="stack">
      {justConnected && (
        <div className="banner banner-ok" role="status">
          <span>
            {justConnected.name || byId.get(justConnected.type)?.name || justConnected.type} is{' '}
            {justConnected.status === 'connected' ? 'connected' : justConnected.status.replace(/_/g, ' ')}.
          </span>
          <button type="button" className="link" onClick={() => go(href(['agents', agentId]))}>
            Dismiss
          </button>
        </div>
      )}
      <Status>{notice}</Status>
      <div className="row">
        <h2>Integrations</h2>
        <button type="button" className="primary" onClick={() => setOpen({ kind: 'connect' })} disabled={!connectors.data}>
          Connect a CRM
        </button>
      </div>
      <LoadError error={list.error ?? connectors.error} retry={() => (list.reload(), connectors.reload())} what="integrations" />
      {list.data && list.data.integrations.length === 0 && <p>No CRM is connected to this agent yet.</p>}
      {list.data && (
        <ul className="cards" aria-label="Integrations">
          {list.data.integrations.map((i) => (
            <IntegrationCard
              key={i.id}
              agentId={agentId}
              integration={i}
              connector={byId.get(i.type)}
              onChanged={list.reload}
              onEdit={() => setOpen({ kind: 'edit', integration: i })}
              onDisconnect={() => setOpen({ kind: 'disconnect', integration: i })}
            />
          ))}
        </ul>
      )}
      {open?.kind === 'connect' && connectors.data && (
        <ConnectDialog
          agentId={agentId}
          connectors={connectors.data.connectors}
          onClose={close}
          onDone={(i) => done(`${i.name || byId.get(i.type)?.name || i.type} is connected.`)}
        />
      )}
      {open?.kind === 'edit' && byId.get(open.integration.type) && (
        <Dialog title={`Settings of ${open.integration.name || byId.get(open.integration.type)!.name}`} onClose={close}>
          <IntegrationForm
            agentId={agentId}
            connector={byId.get(open.integration.type)!}
            existing={open.integration}
            onDone={() => done('Settings saved.')}
          />
        </Dialog>
      )}
      {open?.kind === 'disconnect' && (
        <DisconnectDialog
          agentId={agentId}
          integration={open.integration}
          title={open.integration.name || byId.get(open.integration.type)?.name || open.integration.type}
          onClose={close}
          onDone={done}
        />
      )}
    </div>
  );
}

function ConnectDialog({
  agentId,
  connectors,
  onClose,
  onDone,
}: {
  agentId: string;
  connectors: Connector[];
  onClose: () => void;
  onDone: (i: Integration) => void;
}) {
  const [type, setType] = useState('');
  const connector = connectors.find((c) => c.id === type);
  return (
    <Dialog title="Connect a CRM" onClose={onClose}>
      <Field label="CRM">
        {(p) => (
          <select {...p} value={type} onChange={(e) => setType(e.target.value)}>
            <option value="">Choose…</option>
            {connectors.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {connector?.description && <p className="hint">{connector.description}</p>}
      {connector && <IntegrationForm key={connector.id} agentId={agentId} connector={connector} onDone={onDone} />}
    </Dialog>
  );
}

function DisconnectDialog({
  agentId,
  integration,
  title,
  onClose,
  onDone,
}: {
  agentId: string;
  integration: Integration;
  title: string;
  onClose: () => void;
  onDone: (m: string) => void;
}) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    try {
      await api('DELETE', `/api/agents/${seg(agentId)}/integrations/${seg(integration.id)}`);
      onDone(`${title} is disconnected.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title={`Disconnect ${title}?`} onClose={onClose}>
      <p>Calls will no longer sync to {title}. Its stored credentials are deleted; what was already written to the CRM stays there.</p>
      <Status tone="error">{error}</Status>
      <div className="actions">
        <button type="button" className="danger" onClick={confirm}>
          Yes, disconnect
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
