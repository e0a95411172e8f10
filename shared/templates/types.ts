/** A template the product ships with; seeded on first start and updatable by super_admins afterwards. */
export interface BuiltInTemplate {
  name: string;
  displayName: string;
  description: string;
  category: string;
  /** Icon id the console maps to its bundled artwork. */
  icon: string;
  apiVersion: string;
  /** Minutes between scheduled syncs of active integrations. */
  defaultSyncIntervalMinutes: number;
  configSchema: {
    type: 'object';
    properties: Record<string, Record<string, unknown>>;
    required: string[];
    additionalProperties: false;
  };
  setupInstructions: string;
}
