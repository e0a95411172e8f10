ALTER TABLE "integrations" ADD COLUMN "dto_json" text DEFAULT '{}' NOT NULL;--> statement-breakpoint
-- The integration as the API shows it (shared/api/integrations.ts `Integration`, its fields in that order), as JSON
-- text, rebuilt whenever the row is written and whenever its subaccount's or template's part of it changes, so reads
-- (the management list above all) send it as it is instead of joining and building 25 fields a row.
-- Secrets: only their key names, and the placeholder (shared/secret-fields.ts SECRET_PLACEHOLDER) in `config` in
-- their place. Timestamps as Date#toISOString writes them, whatever the session's DateStyle and TimeZone.
-- Left joins: a missing subaccount or template still builds a row, so the foreign key reports it, not NOT NULL.
-- No stale name survives a rename running at the same time (READ COMMITTED): an update of an integration holds its row,
-- so the rename's rewrite (below) waits for it and runs after; a new row (or one moved to another subaccount or
-- template) is not yet visible to that rewrite, so its writer first waits for any rename of its subaccount and template
-- in progress (FOR SHARE), and this function's next query, on a new snapshot, reads the committed names.
CREATE FUNCTION "integrations_dto_json"() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER "integrations_dto_json" BEFORE INSERT OR UPDATE ON "integrations" FOR EACH ROW EXECUTE FUNCTION "integrations_dto_json"();
--> statement-breakpoint
-- A subaccount renamed or a template's shown fields changed: their integrations' JSON rebuilt (by the trigger above).
CREATE FUNCTION "integrations_dto_json_refresh"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'sub_accounts' THEN
    UPDATE integrations SET dto_json = '' WHERE sub_account_id = NEW.id;
  ELSE
    UPDATE integrations SET dto_json = '' WHERE integration_template_id = NEW.id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "sub_accounts_dto_json" AFTER UPDATE ON "sub_accounts" FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION "integrations_dto_json_refresh"();
--> statement-breakpoint
CREATE TRIGGER "integration_templates_dto_json" AFTER UPDATE ON "integration_templates" FOR EACH ROW
  WHEN ((OLD.name, OLD.display_name, OLD.category, OLD.default_sync_interval_minutes)
    IS DISTINCT FROM (NEW.name, NEW.display_name, NEW.category, NEW.default_sync_interval_minutes))
  EXECUTE FUNCTION "integrations_dto_json_refresh"();
--> statement-breakpoint
-- Every existing row through the trigger (the counters' trigger sees no change of subaccount, status or activity).
UPDATE "integrations" SET "dto_json" = '';
