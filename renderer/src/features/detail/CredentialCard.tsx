import type { Integration } from '../../../../shared/api/integrations';
import { expiringCredential } from '../../../../shared/credential-expiry';
import { Notice } from '../../components/Feedback';
import { hrefOf } from '../../lib/router';
import { exactTime, relativeTime } from '../../lib/time';

const KIND_LABEL = { static_key: 'Static key (works until revoked)', expiring_token: 'Expiring token' } as const;

function At({ iso, empty }: { iso: string | null; empty: string }) {
  return iso ? <span title={exactTime(iso)}>{relativeTime(iso)} <span className="muted small">({exactTime(iso)})</span></span> : <span className="muted">{empty}</span>;
}

/** The integration's credential health: what kind it is, when it stops working, when it was last verified, what it lacks. */
export function CredentialCard({ integration: i }: { integration: Integration }) {
  const h = i.credentialHealth;
  const soon = expiringCredential(h, new Date());
  const edit = hrefOf(`/integrations/${i.id}/edit`);
  return (
    <section className="card card-pad" aria-labelledby={`credential-${i.id}`}>
      <h3 className="section-title" id={`credential-${i.id}`}>Credential</h3>
      {!h ? (
        <p className="muted">Not checked yet: a connection test or sync records it.</p>
      ) : (
        <>
          {h.valid === false ? <Notice kind="error" title="The credential no longer works">Paste a new one in the <a href={edit}>integration's settings</a>.</Notice> : null}
          {h.valid !== false && soon ? (
            <Notice kind="warning" title={soon.daysLeft > 0 ? `Expires in ${soon.daysLeft} day${soon.daysLeft === 1 ? '' : 's'}` : 'Expired'}>
              Generate a new token and paste it in the <a href={edit}>integration's settings</a> before {exactTime(soon.endsAt)}.
            </Notice>
          ) : null}
          {h.missingScopes.length ? <Notice kind="warning" title="Missing permissions">The credential lacks {h.missingScopes.join(', ')}.</Notice> : null}
          <dl className="props">
            <dt>Kind</dt>
            <dd>{KIND_LABEL[h.kind]}</dd>
            <dt>Expires</dt>
            <dd><At iso={h.expiresAt} empty="never" /></dd>
            {h.dataAccessExpiresAt ? (
              <>
                <dt>Data access until</dt>
                <dd><At iso={h.dataAccessExpiresAt} empty="" /></dd>
              </>
            ) : null}
            <dt>Last verified</dt>
            <dd><At iso={h.lastVerifiedAt} empty="never" /></dd>
            {h.scopes ? (
              <>
                <dt>Permissions</dt>
                <dd className="small">{h.scopes.join(', ') || <span className="muted">none</span>}</dd>
              </>
            ) : null}
          </dl>
        </>
      )}
    </section>
  );
}
