import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../../shared/api/integrations';
import { loctelli } from '../../api/bridge';
import { describeError } from '../../api/errors';
import { toast } from '../../api/live';
import { invalidateIntegrations } from '../../api/queries';
import { Switch } from '../../components/Switch';

/** The user's on/off switch of an integration (activate runs the server's checks; a refusal is explained). */
export function ActiveSwitch({ integration: i }: { integration: Integration }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [optimistic, setOptimistic] = useState<boolean | null>(null);
  const change = async (on: boolean) => {
    setBusy(true);
    setOptimistic(on);
    try {
      await (on ? loctelli().integrations.activate(i.id) : loctelli().integrations.deactivate(i.id));
      toast('success', on ? 'Activated' : 'Deactivated', i.name);
    } catch (err) {
      toast('error', `Could not ${on ? 'activate' : 'deactivate'} ${i.name}`, describeError(err));
    } finally {
      setBusy(false);
      setOptimistic(null);
      invalidateIntegrations(qc, i.id);
    }
  };
  return <Switch checked={optimistic ?? i.isActive} busy={busy} onChange={(v) => void change(v)} label={`Active: ${i.name}`} />;
}
