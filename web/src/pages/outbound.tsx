import { useState, type FormEvent } from 'react';
import { fieldErrors, seg } from '../api';
import { LoadError, useApi, useLoad } from '../hooks';
import { when } from '../format';
import { CopyField, Dialog, Field, Status } from '../components/ui';
import type { Integration, OutboundWebhook, VoiceHook } from '../types';
import { OutboundCalls } from '../components/outbound-calls';

/** The body a GoHighLevel workflow's Webhook action posts to the trigger URL. */
export const GHL_WORKFLOW_BODY = '{"phone":"{{contact.phone}}","name":"{{contact.name}}","contact_id":"{{contact.id}}"}';

/** Outbound: trigger webhooks for CRMs, outbound calls and their states, the voice provider's webhook URLs. */
export function OutboundTab({ agentId }: { agentId: string }) {
  const integrations = useLoad((api) => api<{ integrations: Integration[] }>('GET', `/api/agents/${seg(agentId)}/integrations`), agentId);
  const list = integrations.data?.integrations ?? [];
  return (
    <div className="stack">
      <LoadError error={integrations.error} retry={integrations.reload} what="integrations" />
      <TriggerWebhooks agentId={agentId} integrations={list} />
      <OutboundCalls agentId={agentId} />
      <VoiceHooks agentId={agentId} integrations={list} />
    </div>
  );
}

const label = (i: Integration) => `${i.name || i.type} (${i.type})`;

function TriggerWebhooks({ agentId, integrations }: { agentId: string; integrations: Integration[] }) {
  const api = useApi();
  const hooks = useLoad(
    (a) => a<{ webhooks: OutboundWebhook[] }>('GET', `/api/agents/${seg(agentId)}/outbound/webhooks`),
    `${agentId}/owh`,
  );
  const [form, setForm] = useState({ name: '', integration_id: '', voice_integration_id: '', requests: '', per_seconds: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<OutboundWebhook | null>(null);
  const [removing, setRemoving] = useState<OutboundWebhook | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    const body: Record<string, unknown> = {};
    if (form.name.trim()) body.name = form.name.trim();
    if (form.integration_id) body.integration_id = form.integration_id;
    if (form.voice_integration_id) body.voice_integration_id = form.voice_integration_id;
    if (form.requests || form.per_seconds) body.rate_limit = { requests: Number(form.requests), per_seconds: Number(form.per_seconds) };
    try {
      setCreated(await api<OutboundWebhook>('POST', `/api/agents/${seg(agentId)}/outbound/webhooks`, body));
      setForm({ name: '', integration_id: '', voice_integration_id: '', requests: '', per_seconds: '' });
      hooks.reload();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  };
  const err = (k: string) => errors[k];
  return (
    <section className="card" aria-labelledby="owh-title">
      <h2 id="owh-title">Trigger webhooks</h2>
      <p className="hint">
        A CRM workflow posts to a trigger webhook to have the agent call someone; the result is written back to the CRM you choose.
      </p>
      <LoadError error={hooks.error} retry={hooks.reload} what="trigger webhooks" />
      {hooks.data && hooks.data.webhooks.length > 0 && (
        <ul>
          {hooks.data.webhooks.map((h) => (
            <li key={h.id}>
              {h.name ?? h.id} · {h.rate_limit.requests} per {h.rate_limit.per_seconds} s · made {when(h.created_at)}{' '}
              <button
                type="button"
                className="danger"
                onClick={() => setRemoving(h)}
                aria-label={`Delete trigger webhook ${h.name ?? h.id}`}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} noValidate aria-label="New trigger webhook">
        {errors[''] && (
          <p className="field-error" role="alert">
            {errors['']}
          </p>
        )}
        <Field label="Webhook name (optional)" error={err('name')}>
          {(p) => <input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
        </Field>
        <Field
          label="Write results back to"
          error={err('integration_id')}
          hint="Without one, results go to every CRM of the agent, found by phone."
        >
          {(p) => (
            <select {...p} value={form.integration_id} onChange={(e) => setForm({ ...form, integration_id: e.target.value })}>
              <option value="">Every CRM</option>
              {integrations.map((i) => (
                <option key={i.id} value={i.id}>
                  {label(i)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Voice integration placing the calls"
          error={err('voice_integration_id')}
          hint="Needed only when the agent has more than one."
        >
          {(p) => (
            <select {...p} value={form.voice_integration_id} onChange={(e) => setForm({ ...form, voice_integration_id: e.target.value })}>
              <option value="">The agent's one</option>
              {integrations.map((i) => (
                <option key={i.id} value={i.id}>
                  {label(i)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend>Rate limit (optional)</legend>
          <Field label="Requests" error={err('rate_limit.requests') ?? err('rate_limit')}>
            {(p) => (
              <input {...p} inputMode="numeric" value={form.requests} onChange={(e) => setForm({ ...form, requests: e.target.value })} />
            )}
          </Field>
          <Field label="Per seconds" error={err('rate_limit.per_seconds')}>
            {(p) => (
              <input
                {...p}
                inputMode="numeric"
                value={form.per_seconds}
                onChange={(e) => setForm({ ...form, per_seconds: e.target.value })}
              />
            )}
          </Field>
        </fieldset>
        <button type="submit" className="primary">
          Create trigger webhook
        </button>
      </form>
      {created && <CreatedWebhook hook={created} onClose={() => setCreated(null)} />}
      {removing && (
        <RemoveDialog
          what={`trigger webhook ${removing.name ?? removing.id}`}
          path={`/api/agents/${seg(agentId)}/outbound/webhooks/${seg(removing.id)}`}
          note="CRMs posting to it are refused from now on."
          onClose={() => setRemoving(null)}
          onDone={() => (setRemoving(null), hooks.reload())}
        />
      )}
    </section>
  );
}

/** Shown once: the secrets exist only in this dialog; closing it forgets them. */
function CreatedWebhook({ hook, onClose }: { hook: OutboundWebhook; onClose: () => void }) {
  return (
    <Dialog title="Trigger webhook created" onClose={onClose}>
      <p className="banner banner-info">Copy the secret and signing secret now: they are shown only this once.</p>
      <CopyField label="URL" value={hook.url} />
      <CopyField label="Secret (X-Webhook-Secret header)" value={hook.secret ?? ''} />
      <CopyField label="Signing secret (checks the hub's callbacks)" value={hook.signing_secret ?? ''} />
      <h3>In GoHighLevel</h3>
      <p>Workflow → action “Webhook” → method POST, the URL above, header X-Webhook-Secret with the secret, and this body:</p>
      <CopyField label="GoHighLevel workflow body" value={GHL_WORKFLOW_BODY} />
      <div className="actions">
        <button type="button" className="primary" onClick={onClose}>
          I have copied them
        </button>
      </div>
    </Dialog>
  );
}

function RemoveDialog({
  what,
  path,
  note,
  onClose,
  onDone,
}: {
  what: string;
  path: string;
  note: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const api = useApi();
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    try {
      await api('DELETE', path);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Dialog title={`Delete ${what}?`} onClose={onClose}>
      <p>{note}</p>
      <Status tone="error">{error}</Status>
      <div className="actions">
        <button type="button" className="danger" onClick={confirm}>
          Yes, delete
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

function VoiceHooks({ agentId, integrations }: { agentId: string; integrations: Integration[] }) {
  const api = useApi();
  const hooks = useLoad((a) => a<{ webhooks: VoiceHook[] }>('GET', `/api/agents/${seg(agentId)}/voice-webhooks`), `${agentId}/vh`);
  const [integrationId, setIntegrationId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [removing, setRemoving] = useState<VoiceHook | null>(null);
  const voice = integrations.filter((i) => i.type === 'retell');
  const create = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    try {
      await api('POST', `/api/agents/${seg(agentId)}/voice-webhooks`, { integration_id: integrationId });
      hooks.reload();
    } catch (err) {
      setErrors(fieldErrors(err));
    }
  };
  return (
    <section className="card" aria-labelledby="vh-title">
      <h2 id="vh-title">Voice webhook URLs</h2>
      <p className="hint">
        Paste one into your Retell agent's webhook setting: finished calls then sync without the platform calling the hub.
      </p>
      <LoadError error={hooks.error} retry={hooks.reload} what="voice webhooks" />
      {hooks.data?.webhooks.map((h) => (
        <div key={h.id}>
          <CopyField label={`Voice webhook URL (${h.type})`} value={h.url} />
          <button type="button" className="danger" onClick={() => setRemoving(h)} aria-label={`Delete voice webhook ${h.id}`}>
            Delete
          </button>
        </div>
      ))}
      <form className="inline-form" onSubmit={create} noValidate aria-label="New voice webhook">
        <Field label="Voice integration" error={errors.integration_id ?? errors['']}>
          {(p) => (
            <select {...p} value={integrationId} onChange={(e) => setIntegrationId(e.target.value)}>
              <option value="">Choose…</option>
              {(voice.length ? voice : integrations).map((i) => (
                <option key={i.id} value={i.id}>
                  {label(i)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" disabled={!integrationId}>
          Make a voice webhook URL
        </button>
      </form>
      {removing && (
        <RemoveDialog
          what={`voice webhook ${removing.id}`}
          path={`/api/agents/${seg(agentId)}/voice-webhooks/${seg(removing.id)}`}
          note="Events posted to this URL are refused from now on."
          onClose={() => setRemoving(null)}
          onDone={() => (setRemoving(null), hooks.reload())}
        />
      )}
    </section>
  );
}
