ALTER TABLE "integrations" ADD COLUMN "credential_health" jsonb;--> statement-breakpoint
ALTER TABLE "integrations" ADD COLUMN "provider_warnings" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
-- The integration DTO (migration 0007's trigger function) gains credentialHealth and warnings, in the DTO's field order.
CREATE OR REPLACE FUNCTION "integrations_dto_json"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.sub_account_id <> OLD.sub_account_id OR NEW.integration_template_id <> OLD.integration_template_id THEN
    PERFORM 1 FROM sub_accounts WHERE id = NEW.sub_account_id FOR SHARE;
    PERFORM 1 FROM integration_templates WHERE id = NEW.integration_template_id FOR SHARE;
  END IF;
  NEW.dto_json := (
    SELECT row_to_json(x)::text FROM (
      SELECT NEW.id AS "id", NEW.sub_account_id AS "subAccountId", s.name AS "subAccountName",
        NEW.integration_template_id AS "integrationTemplateId",
        json_build_object('name', t.name, 'displayName', t.display_name, 'category', t.category) AS "template",
        NEW.name AS "name", NEW.description AS "description", NEW.is_active AS "isActive",
        NEW.config || k.placeholders AS "config", k.names AS "secretFieldsSet", NEW.status AS "status",
        to_char(NEW.last_sync_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "lastSyncAt",
        NEW.error_message AS "errorMessage", NEW.webhook_secret IS NOT NULL AS "hasWebhookSecret",
        '/api/webhooks/' || NEW.id AS "webhookPath", NEW.webhook_allowed_cidrs AS "webhookAllowedCidrs",
        NEW.sync_interval_minutes AS "syncIntervalMinutes",
        nullif(coalesce(NEW.sync_interval_minutes, t.default_sync_interval_minutes), 0) AS "effectiveSyncIntervalMinutes",
        to_char(NEW.next_sync_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "nextSyncAt",
        NEW.consecutive_failures AS "consecutiveFailures", NEW.sync_paused_reason AS "syncPausedReason",
        NEW.credential_health AS "credentialHealth", NEW.provider_warnings AS "warnings",
        NEW.version AS "version",
        to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
        to_char(NEW.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt",
        NEW.created_by_admin_id AS "createdByAdminId"
      FROM (
        SELECT coalesce(array_agg(key ORDER BY key), '{}') AS names,
               coalesce(jsonb_object_agg(key, '__LOCTELLI_SECRET_SET__'::text), '{}') AS placeholders
        FROM jsonb_object_keys(NEW.secrets) key
      ) k
      LEFT JOIN sub_accounts s ON s.id = NEW.sub_account_id
      LEFT JOIN integration_templates t ON t.id = NEW.integration_template_id
    ) x
  );
  RETURN NEW;
END
$$;
--> statement-breakpoint
UPDATE "integrations" SET "dto_json" = '';
