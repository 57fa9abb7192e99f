-- A signal's status is ordered by when it was observed (status_at), its body by the reading's own
-- key (key_at, key_tie). Before, one key ordered both and a failure stored its own time as the
-- key: a value that had not changed for days (a VIN) stayed ERROR after one failure.
ALTER TABLE "vehicle_signal" ADD COLUMN "status_at" TIMESTAMPTZ(3) NOT NULL DEFAULT '1970-01-01 00:00:00+00'::timestamp with time zone;

-- Until now the status was ordered by the key.
UPDATE "vehicle_signal" SET "status_at" = "key_at";

-- A failed signal's key was its failure's time: give it back its kept body's key (the epoch
-- when it never had one), so the next good reading is compared with that body, not the failure.
UPDATE "vehicle_signal"
SET "key_at" = coalesce("oem_updated_at", "retrieved_at", '1970-01-01 00:00:00+00'::timestamptz),
    "key_tie" = coalesce("retrieved_at", '1970-01-01 00:00:00+00'::timestamptz)
WHERE "status" <> 'OK';
