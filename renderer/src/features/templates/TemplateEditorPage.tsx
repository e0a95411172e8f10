import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { CreateTemplateBody, IntegrationTemplate, UpdateTemplateBody } from '../../../../shared/api/templates';
import { loctelli } from '../../api/bridge';
import { describeError, toIpcError } from '../../api/errors';
import { toast } from '../../api/live';
import { keys, useTemplate } from '../../api/queries';
import { ErrorNotice, Loading, Notice, Spinner } from '../../components/Feedback';
import { Icon } from '../../components/Icon';
import { Instructions } from '../../components/Instructions';
import { PageHeader } from '../../components/PageHeader';
import { TemplateIcon } from '../../components/TemplateIcon';
import { useDebounced } from '../../lib/useDebounced';
import { hrefOf, navigate } from '../../lib/router';
import { ConfigForm } from '../wizard/ConfigForm';
import { checkConfigSchema } from './schemaChecks';

const STARTER_SCHEMA = `{
  "type": "object",
  "properties": {
    "apiKey": { "type": "string", "title": "API Key", "minLength": 8, "writeOnly": true },
    "accountId": { "type": "string", "title": "Account ID", "pattern": "^[A-Za-z0-9]+$" }
  },
  "required": ["apiKey", "accountId"],
  "additionalProperties": false
}`;

const STARTER_INSTRUCTIONS = `## Connect

1. Create an API key in the provider's settings.
2. Paste it into **API Key**.
`;

export function TemplateEditorPage({ templateId }: { templateId: number | null }) {
  const q = useTemplate(templateId);
  if (templateId && q.isPending) return <Loading />;
  if (templateId && q.isError) return <div className="page"><ErrorNotice error={q.error} /></div>;
  return <Editor template={templateId ? (q.data ?? null) : null} />;
}

function Editor({ template }: { template: IntegrationTemplate | null }) {
  const qc = useQueryClient();
  const [name, setName] = useState(template?.name ?? '');
  const [displayName, setDisplayName] = useState(template?.displayName ?? '');
  const [category, setCategory] = useState(template?.category ?? '');
  const [description, setDescription] = useState(template?.description ?? '');
  const [icon, setIcon] = useState(template?.icon ?? '');
  const [isActive, setIsActive] = useState(template?.isActive ?? true);
  const [apiVersion, setApiVersion] = useState(template?.apiVersion ?? '');
  const [interval, setInterval] = useState(template?.defaultSyncIntervalMinutes ? String(template.defaultSyncIntervalMinutes) : '');
  const [schemaText, setSchemaText] = useState(template ? JSON.stringify(template.configSchema, null, 2) : STARTER_SCHEMA);
  const [instructions, setInstructions] = useState(template?.setupInstructions ?? STARTER_INSTRUCTIONS);
  const [preview, setPreview] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<{ message: string; fields: Record<string, string> } | null>(null);

  const check = useMemo(() => checkConfigSchema(schemaText), [schemaText]);
  // The preview follows the last valid schema so it does not flicker while typing.
  const [lastGood, setLastGood] = useState(check.schema);
  if (check.schema && check.schema !== lastGood && JSON.stringify(check.schema) !== JSON.stringify(lastGood)) setLastGood(check.schema);
  const previewInstructions = useDebounced(instructions, 200);
  const f = serverError?.fields ?? {};

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!check.schema) return;
    setBusy(true);
    setServerError(null);
    const common = {
      displayName: displayName.trim(),
      category: category.trim(),
      description: description.trim() || null,
      icon: icon.trim() || null,
      isActive,
      apiVersion: apiVersion.trim() || null,
      defaultSyncIntervalMinutes: interval ? Number(interval) : null,
      configSchema: check.schema,
      setupInstructions: instructions.trim() ? instructions : null,
    };
    try {
      const saved = template ? await loctelli().templates.update(template.id, common as UpdateTemplateBody) : await loctelli().templates.create({ name: name.trim(), ...common } as CreateTemplateBody);
      toast('success', template ? 'Template saved' : 'Template created', saved.displayName);
      void qc.invalidateQueries({ queryKey: keys.templates });
      navigate('/templates');
    } catch (err) {
      const ipc = toIpcError(err);
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(ipc.inputErrors ?? {})) fields[k.replace(/^\d+\//, '').split('/')[0]] = `${k.includes('/') ? k.split('/').slice(1).join('/') + ': ' : ''}${v}`;
      setServerError({ message: describeError(ipc), fields });
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="page template-editor" onSubmit={save}>
      <PageHeader
        back={<a className="btn btn-ghost btn-icon" href={hrefOf('/templates')} aria-label="Back to templates"><Icon name="chevronLeft" /></a>}
        title={<span className="row"><TemplateIcon icon={icon || null} name={displayName || name || '?'} size={28} /> {template ? `Edit ${template.displayName}` : 'New template'}</span>}
        actions={
          <button type="submit" className="btn btn-primary" disabled={busy || !check.schema}>
            {busy ? <Spinner label="Saving" /> : <Icon name="check" size={14} />} {template ? 'Save template' : 'Create template'}
          </button>
        }
      />
      {serverError ? <Notice kind="error" title="Not saved">{serverError.message}</Notice> : null}
      <div className="editor-grid">
        <section className="card card-pad">
          <h2 className="section-title">Template</h2>
          <div className="grid-2">
            <div className="field">
              <label htmlFor="t-name">Name (identifier)</label>
              <input id="t-name" className="input mono" required disabled={!!template} pattern="[A-Za-z][A-Za-z0-9_\-]*" value={name} onChange={(e) => setName(e.target.value)} placeholder="AcmeCrm" />
              {f.name ? <span className="field-error">{f.name}</span> : <span className="hint">Letters, digits, _ and -; cannot change later.</span>}
            </div>
            <div className="field">
              <label htmlFor="t-display">Display name</label>
              <input id="t-display" className="input" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="Acme CRM" />
              {f.displayName ? <span className="field-error">{f.displayName}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="t-category">Category</label>
              <input id="t-category" className="input" required list="t-categories" value={category} onChange={(e) => setCategory(e.target.value)} />
              <datalist id="t-categories">
                {['CRM', 'Advertising', 'Analytics', 'Social Media', 'Messaging'].map((c) => <option key={c} value={c} />)}
              </datalist>
              {f.category ? <span className="field-error">{f.category}</span> : null}
            </div>
            <div className="field">
              <label htmlFor="t-icon">Icon id</label>
              <input id="t-icon" className="input" value={icon} onChange={(e) => setIcon(e.target.value)} placeholder="gohighlevel, facebook, google-analytics, or empty for a monogram" />
            </div>
            <div className="field">
              <label htmlFor="t-api">API version</label>
              <input id="t-api" className="input" value={apiVersion} onChange={(e) => setApiVersion(e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="t-interval">Default sync interval (minutes)</label>
              <input id="t-interval" className="input" inputMode="numeric" value={interval} onChange={(e) => setInterval(e.target.value.replace(/\D/g, ''))} placeholder="none" />
              {f.defaultSyncIntervalMinutes ? <span className="field-error">{f.defaultSyncIntervalMinutes}</span> : null}
            </div>
          </div>
          <div className="field">
            <label htmlFor="t-desc">Description</label>
            <textarea id="t-desc" className="textarea" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={isActive} onChange={(e) => setIsActive(e.target.checked)} /> Active (shown in the catalog)
          </label>
        </section>
        <section className="card card-pad">
          <h2 className="section-title">Config schema (JSON Schema)</h2>
          <div className="field">
            <label htmlFor="t-schema" className="sr-only">Config schema</label>
            <textarea
              id="t-schema"
              className="textarea mono schema-editor"
              rows={16}
              spellCheck={false}
              value={schemaText}
              aria-invalid={check.errors.length > 0 || undefined}
              aria-describedby="t-schema-status"
              onChange={(e) => setSchemaText(e.target.value)}
            />
            <div id="t-schema-status" role="status" aria-live="polite">
              {check.errors.length ? (
                <ul className="schema-errors">
                  {check.errors.map((er) => <li key={er} className="field-error">{er}</li>)}
                </ul>
              ) : (
                <span className="text-success small"><Icon name="check" size={12} /> Valid schema · fields marked writeOnly are stored encrypted</span>
              )}
              {f.configSchema ? <div className="field-error">{f.configSchema}</div> : null}
            </div>
          </div>
          <h3 className="section-title">Form preview</h3>
          <div className="preview-box">
            {lastGood ? <ConfigForm schema={lastGood} storedSecrets={[]} formData={preview} onChange={setPreview} idPrefix="preview" /> : <p className="muted">The preview appears once the schema is valid.</p>}
          </div>
        </section>
        <section className="card card-pad editor-instructions">
          <h2 className="section-title">Setup instructions (Markdown)</h2>
          <div className="grid-2">
            <textarea className="textarea mono" rows={14} aria-label="Setup instructions" value={instructions} onChange={(e) => setInstructions(e.target.value)} />
            <div className="preview-box" aria-label="Instructions preview">
              <Instructions source={previewInstructions} />
            </div>
          </div>
        </section>
      </div>
    </form>
  );
}
