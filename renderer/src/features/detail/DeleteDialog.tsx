import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../../shared/api/integrations';
import { loctelli } from '../../api/bridge';
import { describeError } from '../../api/errors';
import { toast } from '../../api/live';
import { invalidateIntegrations } from '../../api/queries';
import { Notice, Spinner } from '../../components/Feedback';
import { Modal } from '../../components/Modal';
import { navigate } from '../../lib/router';

/** Deleting is permanent (config, secrets, history): the user types the integration's name to confirm. */
export function DeleteDialog({ integration: i, onClose }: { integration: Integration; onClose(): void }) {
  const qc = useQueryClient();
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const matches = typed.trim() === i.name.trim();
  const confirm = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!matches) return;
    setBusy(true);
    try {
      await loctelli().integrations.delete(i.id);
      invalidateIntegrations(qc);
      qc.removeQueries({ queryKey: ['integrations', 'one', i.id] });
      toast('success', 'Integration deleted', i.name);
      navigate('/integrations');
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <Modal
      title={`Delete ${i.name}?`}
      onClose={onClose}
      describedBy="delete-warning"
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" form="delete-form" className="btn btn-danger-solid" disabled={!matches || busy}>
            {busy ? <Spinner label="Deleting" /> : null} Delete permanently
          </button>
        </>
      }
    >
      <form id="delete-form" onSubmit={confirm}>
        <p id="delete-warning">
          This removes the integration, its stored credentials, its sync history and synced data. Scheduled syncs and webhooks stop. It cannot be undone.
        </p>
        {error ? <Notice kind="error">{error}</Notice> : null}
        <div className="field">
          <label htmlFor="delete-confirm">
            Type <strong className="mono">{i.name}</strong> to confirm
          </label>
          <input id="delete-confirm" className="input" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} data-autofocus />
        </div>
      </form>
    </Modal>
  );
}
