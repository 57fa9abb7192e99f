import { createHash } from "node:crypto";
import type pg from "pg";

// Fault injection inside the real database, so the real processing code fails the real way.
// Sequences are used as counters because nextval() survives the rollback of the failing
// transaction, whereas a counter row would be rolled back with it.
export async function installFaultTriggers(db: pg.Pool): Promise<void> {
  await db.query(`
CREATE TABLE IF NOT EXISTS test_fault_plan (vehicle_id text PRIMARY KEY, fail_times int NOT NULL, sleep_ms int NOT NULL DEFAULT 0);
CREATE OR REPLACE FUNCTION test_inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE plan test_fault_plan%ROWTYPE;
BEGIN
  SELECT * INTO plan FROM test_fault_plan WHERE vehicle_id = NEW.vehicle_id;
  IF NOT FOUND THEN RETURN NEW; END IF;
  IF plan.sleep_ms > 0 THEN PERFORM pg_sleep(plan.sleep_ms / 1000.0); END IF;
  IF nextval(format('%I', 'test_fault_' || md5(NEW.vehicle_id))) <= plan.fail_times THEN
    RAISE EXCEPTION 'injected fault for vehicle %', NEW.vehicle_id;
  END IF;
  RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS test_inject_fault ON vehicle;
CREATE TRIGGER test_inject_fault BEFORE INSERT OR UPDATE ON vehicle FOR EACH ROW EXECUTE FUNCTION test_inject_fault();`);
}

/** Processing of this vehicle fails `failTimes` times (then succeeds), each attempt taking `sleepMs` first. */
export async function planFault(db: pg.Pool, vehicleId: string, failTimes: number, sleepMs = 0): Promise<void> {
  await db.query(`CREATE SEQUENCE IF NOT EXISTS "test_fault_${md5Hex(vehicleId)}"`);
  await db.query("INSERT INTO test_fault_plan (vehicle_id, fail_times, sleep_ms) VALUES ($1, $2, $3)", [vehicleId, failTimes, sleepMs]);
}

function md5Hex(value: string): string {
  return createHash("md5").update(value).digest("hex");
}
