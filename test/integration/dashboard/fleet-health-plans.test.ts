import { beforeAll, describe, expect, it } from "vitest";
import { openConditionsSql } from "@/lib/dal/error-breakdown";
import { FLEET_HEALTH_COUNTS_SQL, vehicleHealthSql } from "@/lib/dal/vehicle-health-sql";
import { planOf, type PlanNode } from "../../helpers/explain";
import { useTestDatabase } from "../../helpers/test-database";

// The overview's fleet health and the open-conditions breakdown by make must not read the whole
// vehicle table (bench/README.md flags any Seq Scan of a table over 10 000 rows): on 50 000
// vehicles never vacuumed (as while events keep updating them), each count comes from an index or
// from vehicle_count, and the counts equal the per-vehicle rule's.
const suite = useTestDatabase();

const VEHICLES = 50_000;
const NOW = new Date("2026-06-01T12:00:00.000Z");

beforeAll(async () => {
  const { db } = suite;
  // Every 97th vehicle needs re-authorisation, every 50th has an open condition (some of them
  // also need re-authorisation, or are silent), every 20th went quiet before NOW.
  await db.query(
    `INSERT INTO vehicle (vehicle_id, make, needs_reauth, last_seen_at)
     SELECT 'veh-' || i, (ARRAY['TESLA', 'BMW', 'FORD'])[1 + i % 3], i % 97 = 0, $1::timestamptz - interval '1 hour'
     FROM generate_series(1, ${VEHICLES}) AS i`,
    [NOW],
  );
  await db.query(
    `INSERT INTO vehicle_condition (vehicle_id, type, code, state, signals, state_at, last_event_id, last_reported_at)
     SELECT 'veh-' || i, 'COMPATIBILITY', 'C' || (i % 7), CASE WHEN i % 150 = 0 THEN 'RESOLVED' ELSE 'ERROR' END, '{}', now(), 'ev', now()
     FROM generate_series(50, ${VEHICLES}, 50) AS i`,
  );
  // A second open condition on some vehicles: each still counts once.
  await db.query(
    `INSERT INTO vehicle_condition (vehicle_id, type, code, state, signals, state_at, last_event_id, last_reported_at)
     SELECT 'veh-' || i, 'PERMISSION', '', 'ERROR', '{}', now(), 'ev', now() FROM generate_series(100, ${VEHICLES}, 100) AS i`,
  );
  // The silent_after trigger sets it from last_seen_at and recent gaps on insert: set it as the test needs.
  await db.query(
    `UPDATE vehicle SET silent_after = $1::timestamptz + CASE WHEN substr(vehicle_id, 5)::int % 20 = 0 THEN interval '-5 minutes' ELSE interval '1 hour' END`,
    [NOW],
  );
  await db.query("ANALYZE vehicle");
  await db.query("VACUUM ANALYZE vehicle_condition");
}, 120_000);

function seqScansOfVehicle(plan: PlanNode[]): string[] {
  return plan.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === "vehicle").map((n) => n["Node Type"]);
}

describe("fleet health counts on 50 000 vehicles", () => {
  it("equal the per-vehicle health rule's counts", async () => {
    const byRule = await suite.db.query<{ health: string; n: number }>(`SELECT ${vehicleHealthSql("v", "$1")} AS health, count(*)::int AS n FROM vehicle v GROUP BY 1`, [NOW]);
    const rule = Object.fromEntries(byRule.rows.map((r) => [r.health, r.n]));
    const { rows } = await suite.db.query<{ total: number; needs_reauth: number; open_errors: number; silent: number }>(FLEET_HEALTH_COUNTS_SQL, [NOW]);
    const counts = rows[0];
    expect(counts).toEqual({ total: VEHICLES, needs_reauth: rule.NEEDS_REAUTH, open_errors: rule.OPEN_ERRORS, silent: rule.SILENT });
    expect((counts?.total ?? 0) - (counts?.needs_reauth ?? 0) - (counts?.open_errors ?? 0) - (counts?.silent ?? 0)).toBe(rule.OK);
    // Every bucket is populated, so the comparison means something.
    expect(Object.keys(rule).sort()).toEqual(["NEEDS_REAUTH", "OK", "OPEN_ERRORS", "SILENT"]);
  });

  it("counts without a Seq Scan of vehicle", async () => {
    const plan = await planOf(suite.db, { text: FLEET_HEALTH_COUNTS_SQL, values: [NOW] });
    expect(seqScansOfVehicle(plan)).toEqual([]);
    expect(plan.some((n) => n["Index Name"] === "vehicle_needs_reauth_idx")).toBe(true);
  });
});

describe("open conditions by make on 50 000 vehicles", () => {
  it("looks each open condition's vehicle up by its key, and counts by make", async () => {
    expect(seqScansOfVehicle(await planOf(suite.db, { text: openConditionsSql("make") }))).toEqual([]);
    const { rows } = await suite.db.query<{ key: string; count: number }>(openConditionsSql("make"));
    const { rows: expected } = await suite.db.query<{ key: string; count: number }>(
      "SELECT v.make AS key, count(*)::int AS count FROM vehicle_condition c JOIN vehicle v USING (vehicle_id) WHERE c.state = 'ERROR' GROUP BY 1",
    );
    const sorted = (list: { key: string; count: number }[]) => [...list].sort((a, b) => a.key.localeCompare(b.key));
    expect(sorted(rows)).toEqual(sorted(expected));
    expect(rows.length).toBe(3);
  });
});
