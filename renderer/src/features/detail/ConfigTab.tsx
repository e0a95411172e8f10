import type { Integration } from '../../../../shared/api/integrations';
import type { IntegrationTemplate } from '../../../../shared/api/templates';
import { secretFieldsOf, SECRET_PLACEHOLDER } from '../../../../shared/secret-fields';
import { Icon } from '../../components/Icon';
import { humanize } from '../../lib/format';
import { hrefOf } from '../../lib/router';

/** The config as the server returns it: secrets are never here, only whether one is stored. */
export function ConfigTab({ integration: i, template }: { integration: Integration; template: IntegrationTemplate | null }) {
  const schemaProps = (template?.configSchema.properties ?? {}) as Record<string, { title?: string; description?: string }>;
  const secrets = new Set(template ? secretFieldsOf(template.configSchema) : i.secretFieldsSet);
  const names = [...new Set([...Object.keys(schemaProps), ...Object.keys(i.config)])];
  return (
    <section className="card">
      <header className="card-header">
        <h3>Configuration</h3>
        <a className="btn btn-sm" href={hrefOf(`/integrations/${i.id}/edit`)}>
          <Icon name="edit" size={13} /> Edit
        </a>
      </header>
      <div className="card-body">
        <dl className="props config-props">
          {names.map((n) => {
            const v = i.config[n];
            const secret = secrets.has(n) || v === SECRET_PLACEHOLDER;
            return (
              <div key={n} className="contents">
                <dt title={schemaProps[n]?.description}>{schemaProps[n]?.title ?? humanize(n)}</dt>
                <dd>
                  {secret ? (
                    i.secretFieldsSet.includes(n) || v === SECRET_PLACEHOLDER ? (
                      <span className="mono masked-value" aria-label="stored secret, hidden">
                        •••••••••••• <span className="muted small">stored</span>
                      </span>
                    ) : (
                      <span className="muted">not set</span>
                    )
                  ) : v === undefined || v === '' ? (
                    <span className="muted">—</span>
                  ) : (
                    <span className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</span>
                  )}
                </dd>
              </div>
            );
          })}
          <dt>Webhook secret</dt>
          <dd>{i.hasWebhookSecret ? <span className="mono">•••••••••••• <span className="muted small">stored</span></span> : <span className="muted">not set</span>}</dd>
          <dt>Webhook source allow-list</dt>
          <dd>{i.webhookAllowedCidrs.length ? i.webhookAllowedCidrs.join(', ') : <span className="muted">any source</span>}</dd>
        </dl>
      </div>
    </section>
  );
}
