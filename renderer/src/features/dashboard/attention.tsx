import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Integration } from '../../../../shared/api/integrations';
import type { IntegrationTemplate } from '../../../../shared/api/templates';
import { expiringCredential } from '../../../../shared/credential-expiry';
import { latestMarketingApiVersion, marketingApiVersionState, upgradeTargets, type VersionState } from '../../../../shared/meta-api-versions';
import { loctelli } from '../../api/bridge';
import { describeError } from '../../api/errors';
import { toast } from '../../api/live';
import { keys } from '../../api/queries';
import { Spinner } from '../../components/Feedback';
import { hrefOf } from '../../lib/router';

/** Templates on a Marketing API version that expires within WARN_BEFORE_EXPIRY_DAYS (shared/meta-api-versions.ts), or has expired. */
export function versionAttention(templates: IntegrationTemplate[], now: Date): { template: IntegrationTemplate; state: Extract<VersionState, { state: 'expired' | 'expiring' }> }[] {
  return templates.flatMap((template) => {
    if (template.name !== 'FacebookAds' || !template.apiVersion) return [];
    const state = marketingApiVersionState(template.apiVersion, now);
    return state.state === 'expired' || state.state === 'expiring' ? [{ template, state }] : [];
  });
}

/** Integrations whose credential stops working within 14 days, soonest first. */
export function expiringCredentials(items: Integration[], now: Date): { integration: Integration; endsAt: string; daysLeft: number }[] {
  return items
    .flatMap((integration) => {
      const soon = integration.credentialHealth?.valid === false ? null : expiringCredential(integration.credentialHealth, now);
      return soon ? [{ integration, ...soon }] : [];
    })
    .sort((a, b) => a.daysLeft - b.daysLeft);
}

export function VersionRow({ template, state, canMove }: { template: IntegrationTemplate; state: Extract<VersionState, { state: 'expired' | 'expiring' }>; canMove: boolean }) {
  const qc = useQueryClient();
  const [moving, setMoving] = useState(false);
  const now = new Date();
  const target = upgradeTargets(template.apiVersion, now)[0]?.version ?? latestMarketingApiVersion(now).version;
  const when = state.state === 'expired'
    ? `expired${state.expires ? ` on ${state.expires}` : ''}: its syncs and tests are refused`
    : `expires in ${state.daysLeft} day${state.daysLeft === 1 ? '' : 's'}, on ${state.expires}`;
  const move = async () => {
    setMoving(true);
    try {
      await loctelli().templates.moveApiVersion(template.id, { apiVersion: target });
      toast('success', `${template.displayName} moved to ${target}`, 'Its integrations call the new version from their next test or sync.');
      await qc.invalidateQueries({ queryKey: keys.templates });
    } catch (err) {
      toast('error', `Could not move ${template.displayName}`, describeError(err));
    } finally {
      setMoving(false);
    }
  };
  return (
    <li className="attention-row">
      <div className="attention-main">
        {canMove ? <a href={hrefOf(`/templates/${template.id}`)} className="ellipsis attention-name">{template.displayName} template</a> : <span className="ellipsis attention-name">{template.displayName} template</span>}
        <span className={`small ellipsis ${state.state === 'expired' ? 'text-danger' : 'text-warning'}`}>Marketing API {template.apiVersion} {when}</span>
      </div>
      {canMove ? (
        <button type="button" className="btn btn-sm" onClick={() => void move()} disabled={moving}>
          {moving ? <Spinner label="Moving" /> : null} Move to {target}
        </button>
      ) : (
        <span className="muted small">a super admin can move it to {target}</span>
      )}
    </li>
  );
}

