import { useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../../shared/api/integrations';
import { describeError, toIpcError } from '../../api/errors';
import type { MethodResult } from '../../../../shared/ipc/contract';
import { loctelli } from '../../api/bridge';

type WebhookSecretRotated = MethodResult<'integrations.rotateWebhookSecret'>;
import { invalidateIntegrations, keys } from '../../api/queries';
import { EmptyState, ErrorNotice, Loading, Notice, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { Modal } from '../../components/Modal';
import { exactTime, relativeTime } from '../../lib/time';
import { useApp } from '../../shell/AppContext';

function CopyField({ label, value, id }: { label: string; value: string; id: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // Clipboard refused: select the text so Ctrl+C works.
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="input-group">
        <input id={id} className="input mono" readOnly value={value} onFocus={(e) => e.target.select()} />
        <button type="button" className="btn" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          <Icon name={copied ? 'check' : 'copy'} size={14} /> {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
    </div>
  );
}

export function WebhookTab({ integration: i }: { integration: Integration }) {
  const { session } = useApp();
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [rotating, setRotating] = useState(false);
  const [revealed, setRevealed] = useState<WebhookSecretRotated | null>(null);
  const [error, setError] = useState<string | null>(null);
  const events = useQuery({ queryKey: keys.webhookEvents(i.id), queryFn: () => loctelli().integrations.webhookEvents(i.id, { limit: 50 }), retry: false });

  const base = session.profile.baseUrl?.replace(/\/+$/, '');
  const url = revealed?.webhookUrl ?? (base ? `${base}${i.webhookPath}` : null);

  const rotate = async () => {
    setRotating(true);
    setError(null);
    try {
      setRevealed(await loctelli().integrations.rotateWebhookSecret(i.id));
      setConfirming(false);
      invalidateIntegrations(qc, i.id);
    } catch (err) {
      const e = toIpcError(err);
      setError(e.code === 'not_available' ? 'This console cannot rotate webhook secrets yet.' : describeError(e));
      setConfirming(false);
    } finally {
      setRotating(false);
    }
  };

  return (
    <div className="stack">
      <section className="card card-pad">
        <h3 className="section-title">Where the provider sends events</h3>
        {url ? (
          <CopyField id="webhook-url" label="Webhook URL (paste it into the provider)" value={url} />
        ) : (
          <>
            <CopyField id="webhook-url" label="Webhook path" value={i.webhookPath} />
            <p className="hint">The Local workspace listens on this computer only; providers can reach it once the server is published (a remote profile shows the full URL).</p>
          </>
        )}
        <div className="row webhook-secret-row">
          <div>
            <strong>Webhook secret</strong>
            <div className="muted small">{i.hasWebhookSecret ? 'A secret is stored. It is shown only once, when it is created.' : 'No secret yet.'}</div>
          </div>
          <div className="spacer" />
          <button type="button" className="btn" onClick={() => setConfirming(true)}>
            <Icon name="key" size={14} /> {i.hasWebhookSecret ? 'Rotate secret' : 'Create secret'}
          </button>
        </div>
        {error ? <Notice kind="error">{error}</Notice> : null}
        {revealed ? (
          <Notice kind="warning" title="Copy the new secret now: it will not be shown again">
            <CopyField id="webhook-secret" label="New webhook secret" value={revealed.webhookSecret} />
            <button type="button" className="btn btn-sm" onClick={() => setRevealed(null)}>
              I have copied it
            </button>
          </Notice>
        ) : null}
      </section>
      <section className="card">
        <header className="card-header">
          <h3>Recent deliveries</h3>
          <button type="button" className="btn btn-sm" onClick={() => void events.refetch()}>
            <Icon name="refresh" size={13} /> Refresh
          </button>
        </header>
        {events.isPending ? <Loading what="Loading deliveries" /> : null}
        {events.isError ? (
          toIpcError(events.error).code === 'not_available' ? (
            <div className="card-body"><Notice kind="info">This console cannot list webhook deliveries yet.</Notice></div>
          ) : (
            <div className="card-body"><ErrorNotice error={events.error} /></div>
          )
        ) : null}
        {events.data && !events.data.items.length ? <EmptyState icon="webhook" title="No deliveries yet" /> : null}
        {events.data?.items.length ? (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Event</th>
                <th scope="col">From</th>
                <th scope="col">Verification</th>
                <th scope="col">Processing</th>
              </tr>
            </thead>
            <tbody>
              {events.data.items.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap" title={exactTime(e.receivedAt)}>{relativeTime(e.receivedAt)}</td>
                  <td>{e.eventType ?? <span className="muted">unknown</span>} {e.eventId ? <span className="muted small mono">{e.eventId}</span> : null}</td>
                  <td className="mono small">{e.sourceIp ?? '—'}</td>
                  <td>{e.verified ? <span className="badge badge-active">verified</span> : <span className="badge badge-error" title={e.verificationError ?? ''}>rejected</span>} {e.verificationError ? <div className="small text-danger">{e.verificationError}</div> : null}</td>
                  <td>
                    <span className={`badge badge-${e.status === 'processed' ? 'active' : e.status === 'failed' || e.status === 'rejected' ? 'error' : 'pending'}`}>{e.status}</span>
                    {e.processingError ? <div className="small text-danger">{e.processingError}</div> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      {confirming ? (
        <Modal
          title={i.hasWebhookSecret ? 'Rotate the webhook secret?' : 'Create a webhook secret?'}
          onClose={() => setConfirming(false)}
          footer={
            <>
              <button type="button" className="btn" onClick={() => setConfirming(false)}>Cancel</button>
              <button type="button" className="btn btn-primary" onClick={() => void rotate()} disabled={rotating}>
                {rotating ? <Spinner label="Rotating" /> : null} {i.hasWebhookSecret ? 'Rotate' : 'Create'}
              </button>
            </>
          }
        >
          <p>{i.hasWebhookSecret ? 'Deliveries signed with the old secret are rejected from now on: update the provider right after.' : 'The secret is shown once; paste it into the provider.'}</p>
        </Modal>
      ) : null}
    </div>
  );
}
