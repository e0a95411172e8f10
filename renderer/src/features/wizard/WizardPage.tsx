import { useQuery } from '@tanstack/react-query';
import { loctelli } from '../../api/bridge';
import { useIntegration, useTemplate } from '../../api/queries';
import { ErrorNotice, Loading } from '../../components/Feedback';
import { useApp } from '../../shell/AppContext';
import { fromDraft, fromIntegration, fromTemplate, type WizardModel } from './model';
import { Wizard } from './Wizard';

/**
 * Loads what the wizard starts from — a template (new), an integration (edit) or a saved draft — and
 * hands the initial model to the wizard.
 */
export function WizardPage(props: { mode: 'create'; templateId: number; draftId: string | null } | { mode: 'edit'; integrationId: number; draftId: string | null }) {
  const { scope } = useApp();
  const draft = useQuery({ queryKey: ['draft', props.draftId], queryFn: () => loctelli().drafts.get(props.draftId!), enabled: !!props.draftId, staleTime: Infinity, gcTime: 0 });
  const integration = useIntegration(props.mode === 'edit' && !props.draftId ? props.integrationId : 0);
  const templateId = draft.data?.integrationTemplateId ?? (props.mode === 'create' ? props.templateId : (integration.data?.data.integrationTemplateId ?? null));
  const template = useTemplate(props.draftId && !draft.data ? null : templateId);

  const error = draft.error ?? integration.error ?? template.error;
  if (error) return <div className="page"><ErrorNotice error={error} title="The setup could not be opened" /></div>;
  if (!template.data || (props.draftId && !draft.data) || (props.mode === 'edit' && !props.draftId && !integration.data)) return <Loading what="Preparing the setup" />;

  let initial: WizardModel;
  if (draft.data) initial = fromDraft(template.data, draft.data);
  else if (props.mode === 'edit') initial = fromIntegration(template.data, integration.data!.data);
  else initial = fromTemplate(template.data, scope);
  return <Wizard initial={initial} base={draft.data?.base ?? null} />;
}
