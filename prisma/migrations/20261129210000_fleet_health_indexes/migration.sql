-- The overview counts the fleet by health without reading every vehicle row
-- (lib/dal/vehicle-health-sql.ts, FLEET_HEALTH_COUNTS_SQL): the vehicles needing
-- re-authorisation are the few rows of this partial index, which costs nothing to keep for the
-- others. Prisma's schema cannot express a partial index; migrate diff leaves it alone.
CREATE INDEX "vehicle_needs_reauth_idx" ON "vehicle" ("vehicle_id") WHERE "needs_reauth";
