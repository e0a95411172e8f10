import { Type, type Static } from 'typebox';
import { Id } from './common';

const Ratio = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: 'null when there is nothing to measure yet' });

export const MetricsQuery = Type.Object({ subAccountId: Type.Optional(Id) }, { additionalProperties: false });

/** The seed's success metrics, computed from stored data over the caller's subaccounts. */
export const Metrics = Type.Object({
  /** Integrations created in the last 30 days that were verified (a successful test or sync) / all created. Goal > 0.9. */
  setupSuccessRate: Ratio,
  /** Succeeded / finished sync runs. Goal > 0.95. */
  syncReliability7d: Ratio,
  syncReliability30d: Ratio,
  /** Share of subaccounts with at least one active, switched-on integration. Goal > 0.6. */
  adoption: Ratio,
  /** Median minutes from a failed sync to the next successful one (last 30 days). Goal < 24 h. */
  medianRecoveryMinutes: Type.Union([Type.Number(), Type.Null()]),
  perIntegration: Type.Array(
    Type.Object({
      integrationId: Id,
      name: Type.String(),
      subAccountId: Id,
      runs30d: Type.Integer(),
      successRate30d: Ratio,
      recordsPerDay: Type.Number({ description: 'Records first seen per day over the last 7 days' }),
      lastRunStatus: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  /** Finished runs per day (last 14 days), for the dashboard chart. */
  dailyRuns: Type.Array(Type.Object({ day: Type.String(), succeeded: Type.Integer(), failed: Type.Integer() })),
});
export type Metrics = Static<typeof Metrics>;
