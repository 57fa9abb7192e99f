-- AlterTable
ALTER TABLE "vehicle" ADD COLUMN     "silent_after" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "vehicle_silent_after_idx" ON "vehicle"("silent_after");

-- The silence deadline follows last_seen_at and recent_gaps on every write, whoever writes them.
-- 3 and 3600 s are SILENCE_GAP_FACTOR and MIN_SILENCE_SECONDS of lib/vehicles/health.ts;
-- test/integration/dashboard/vehicles.test.ts checks the SQL and JS health agree.
CREATE FUNCTION vehicle_silent_after() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.silent_after := NEW.last_seen_at + make_interval(secs => greatest(
    3 * coalesce((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY g) FROM unnest(NEW.recent_gaps) AS g), 0),
    3600));
  RETURN NEW;
END $$;

CREATE TRIGGER vehicle_silent_after
  BEFORE INSERT OR UPDATE OF last_seen_at, recent_gaps ON "vehicle"
  FOR EACH ROW EXECUTE FUNCTION vehicle_silent_after();

UPDATE "vehicle" SET recent_gaps = recent_gaps;
