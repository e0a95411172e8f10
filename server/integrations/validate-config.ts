import type { ApiErrorDetail } from '../../shared/api/common';
import { badRequest } from '../http/errors';
import { ajvErrorsToDetails } from '../http/validation';
import type { IntegrationHandler } from '../providers/registry';
import { configValidator } from './config-schema';

interface TemplateLike {
  id: number;
  name: string;
  updatedAt: Date;
  configSchema: Record<string, unknown>;
}

/** Validates a full config (secrets revealed) against the template schema and its handler's own rules. */
export function assertValidConfig(template: TemplateLike, config: Record<string, unknown>, handler?: IntegrationHandler) {
  const validate = configValidator(template.id, template.updatedAt, template.configSchema);
  const details: ApiErrorDetail[] = [];
  if (!validate(config)) details.push(...ajvErrorsToDetails(validate.errors, '/body/config'));
  if (details.length === 0 && handler) {
    details.push(...handler.validateConfig(config).map((d) => ({ ...d, path: `/body/config${d.path}` })));
  }
  if (details.length) {
    throw badRequest(`The ${template.name} config is invalid: ${details.map((d) => `${d.path.replace('/body/config/', '')} ${d.message}`).join('; ')}`.slice(0, 1000), details);
  }
}
