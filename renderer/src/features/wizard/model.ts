import type { DraftInput } from '../../../../shared/ipc/schemas';
import type { IntegrationTemplate } from '../../../../shared/api/templates';
import type { Integration } from '../../../../shared/api/integrations';
import type { Draft } from '../../../../shared/ipc/schemas';
import { configForSubmit, splitStoredSecrets, type Config } from './configLogic';

/** Everything the wizard edits, and where it came from. */
export interface WizardModel {
  mode: 'create' | 'edit';
  template: IntegrationTemplate;
  integrationId: number | null;
  /** With edit: the version this edit started from. */
  baseVersion: number | null;
  subAccountId: number | null;
  name: string;
  description: string;
  formData: Config;
  /** Secret fields whose value is kept elsewhere (server or draft) and appear empty in the form. */
  stored: string[];
  /** Secrets of a resumed draft that were lost (memory-only credential storage): type them again. */
  lost: string[];
  draftId: string | null;
}

export function fromTemplate(template: IntegrationTemplate, subAccountId: number | null): WizardModel {
  return {
    mode: 'create',
    template,
    integrationId: null,
    baseVersion: null,
    subAccountId,
    name: template.displayName,
    description: '',
    formData: {},
    stored: [],
    lost: [],
    draftId: null,
  };
}

export function fromIntegration(template: IntegrationTemplate, i: Integration): WizardModel {
  const { formData, stored } = splitStoredSecrets(template.configSchema, i.config, i.secretFieldsSet);
  return {
    mode: 'edit',
    template,
    integrationId: i.id,
    baseVersion: i.version,
    subAccountId: i.subAccountId,
    name: i.name,
    description: i.description ?? '',
    formData,
    stored,
    lost: [],
    draftId: null,
  };
}

export function fromDraft(template: IntegrationTemplate, d: Draft): WizardModel {
  const { formData, stored } = splitStoredSecrets(template.configSchema, d.config, d.draftSecrets);
  return {
    mode: d.kind,
    template,
    integrationId: d.integrationId,
    baseVersion: d.baseVersion,
    subAccountId: d.subAccountId,
    name: d.name,
    description: d.description ?? '',
    formData,
    stored: stored.filter((s) => !d.lostSecrets.includes(s)),
    lost: d.lostSecrets,
    draftId: d.id,
  };
}

export const submitConfig = (m: WizardModel) => configForSubmit(m.template.configSchema, m.formData, m.stored);

export function draftInputOf(m: WizardModel): DraftInput {
  return {
    ...(m.draftId ? { id: m.draftId } : {}),
    kind: m.mode,
    ...(m.mode === 'edit' ? { integrationId: m.integrationId!, baseVersion: m.baseVersion! } : {}),
    subAccountId: m.subAccountId,
    integrationTemplateId: m.template.id,
    name: m.name,
    description: m.description.trim() ? m.description : null,
    config: submitConfig(m),
  };
}
