CREATE TABLE "integration_counts" (
	"sub_account_id" integer NOT NULL,
	"status" text NOT NULL,
	"total" integer NOT NULL,
	"active_on" integer NOT NULL,
	CONSTRAINT "integration_counts_sub_account_id_status_pk" PRIMARY KEY("sub_account_id","status")
);
--> statement-breakpoint
DROP INDEX "integrations_summary_idx";--> statement-breakpoint
ALTER TABLE "integration_counts" ADD CONSTRAINT "integration_counts_sub_account_id_sub_accounts_id_fk" FOREIGN KEY ("sub_account_id") REFERENCES "public"."sub_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- Kept per statement from the transition tables, so a bulk insert or update adjusts each counter once.
-- Deletes only decrement (never insert): when a subaccount is deleted, its counters go with it by cascade.
CREATE FUNCTION "integration_counts_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO integration_counts AS c (sub_account_id, status, total, active_on)
      SELECT sub_account_id, status, count(*), count(*) FILTER (WHERE is_active) FROM new_rows GROUP BY 1, 2
      ON CONFLICT (sub_account_id, status) DO UPDATE SET total = c.total + excluded.total, active_on = c.active_on + excluded.active_on;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE integration_counts AS c SET total = c.total - d.n, active_on = c.active_on - d.n_on
      FROM (SELECT sub_account_id, status, count(*) AS n, count(*) FILTER (WHERE is_active) AS n_on FROM old_rows GROUP BY 1, 2) AS d
      WHERE c.sub_account_id = d.sub_account_id AND c.status = d.status;
  ELSE
    INSERT INTO integration_counts AS c (sub_account_id, status, total, active_on)
      SELECT sub_account_id, status, sum(n), sum(n_on) FROM (
        SELECT sub_account_id, status, 1 AS n, is_active::int AS n_on FROM new_rows
        UNION ALL
        SELECT sub_account_id, status, -1, -(is_active::int) FROM old_rows
      ) AS delta GROUP BY 1, 2 HAVING sum(n) <> 0 OR sum(n_on) <> 0
      ON CONFLICT (sub_account_id, status) DO UPDATE SET total = c.total + excluded.total, active_on = c.active_on + excluded.active_on;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "integration_counts_insert" AFTER INSERT ON "integrations" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "integration_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "integration_counts_update" AFTER UPDATE ON "integrations" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "integration_counts_apply"();
--> statement-breakpoint
CREATE TRIGGER "integration_counts_delete" AFTER DELETE ON "integrations" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "integration_counts_apply"();
--> statement-breakpoint
INSERT INTO "integration_counts" (sub_account_id, status, total, active_on)
  SELECT sub_account_id, status, count(*), count(*) FILTER (WHERE is_active) FROM "integrations" GROUP BY 1, 2;
