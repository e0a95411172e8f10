import { Type, type Static } from 'typebox';
import { Id, Timestamp } from './common';

/** A JSON Schema object describing an integration's config; validated as a real JSON Schema by the server. */
export const ConfigSchema = Type.Record(Type.String(), Type.Unknown(), {
  description: 'JSON Schema (draft-07) of the config, root type "object"; secret properties carry writeOnly: true',
});

export const TemplateName = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z][A-Za-z0-9_-]*$' });

export const IntegrationTemplate = Type.Object({
  id: Id,
  name: Type.String(),
  displayName: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  icon: Type.Union([Type.String(), Type.Null()]),
  isActive: Type.Boolean(),
  configSchema: ConfigSchema,
  setupInstructions: Type.Union([Type.String(), Type.Null()]),
  webhookUrl: Type.Union([Type.String(), Type.Null()]),
  apiVersion: Type.Union([Type.String(), Type.Null()]),
  /** Default minutes between scheduled syncs of active integrations; null = none. */
  defaultSyncIntervalMinutes: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  createdByAdminId: Id,
});
export type IntegrationTemplate = Static<typeof IntegrationTemplate>;

const fields = {
  displayName: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Union([Type.String({ maxLength: 5000 }), Type.Null()]),
  category: Type.String({ minLength: 1, maxLength: 100 }),
  icon: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
  isActive: Type.Boolean(),
  configSchema: ConfigSchema,
  setupInstructions: Type.Union([Type.String({ maxLength: 100000 }), Type.Null()]),
  webhookUrl: Type.Union([Type.String({ format: 'uri', maxLength: 2000 }), Type.Null()]),
  apiVersion: Type.Union([Type.String({ maxLength: 50 }), Type.Null()]),
  defaultSyncIntervalMinutes: Type.Union([Type.Integer({ minimum: 1, maximum: 10080 }), Type.Null()]),
};

export const CreateTemplateBody = Type.Object(
  {
    name: TemplateName,
    displayName: fields.displayName,
    description: Type.Optional(fields.description),
    category: fields.category,
    icon: Type.Optional(fields.icon),
    isActive: Type.Optional(fields.isActive),
    configSchema: fields.configSchema,
    setupInstructions: Type.Optional(fields.setupInstructions),
    webhookUrl: Type.Optional(fields.webhookUrl),
    apiVersion: Type.Optional(fields.apiVersion),
    defaultSyncIntervalMinutes: Type.Optional(fields.defaultSyncIntervalMinutes),
  },
  { additionalProperties: false },
);
export type CreateTemplateBody = Static<typeof CreateTemplateBody>;

export const UpdateTemplateBody = Type.Object(
  {
    displayName: Type.Optional(fields.displayName),
    description: Type.Optional(fields.description),
    category: Type.Optional(fields.category),
    icon: Type.Optional(fields.icon),
    isActive: Type.Optional(fields.isActive),
    configSchema: Type.Optional(fields.configSchema),
    setupInstructions: Type.Optional(fields.setupInstructions),
    webhookUrl: Type.Optional(fields.webhookUrl),
    apiVersion: Type.Optional(fields.apiVersion),
    defaultSyncIntervalMinutes: Type.Optional(fields.defaultSyncIntervalMinutes),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateTemplateBody = Static<typeof UpdateTemplateBody>;

export const ListTemplatesQuery = Type.Object(
  { active: Type.Optional(Type.Boolean()), category: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) },
  { additionalProperties: false },
);
export type ListTemplatesQuery = Static<typeof ListTemplatesQuery>;

/** POST /integration-templates/:id/api-version: move a FacebookAds template to a newer Marketing API version. */
export const MoveApiVersionBody = Type.Object(
  // Any text: the server checks it against Meta's version table and answers with the versions it accepts.
  { apiVersion: Type.String({ minLength: 1, maxLength: 20 }) },
  { additionalProperties: false },
);
export type MoveApiVersionBody = Static<typeof MoveApiVersionBody>;
