import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLEET_HEALTH_COUNTS_SQL } from "@/lib/dal/vehicle-health-sql";
import { useTestDatabase } from "../../helpers/test-database";

// vehicle_count (migration vehicle_count) is the overview's fleet total: triggers on vehicle
// must keep its sum equal to count(*) whoever writes, however many sessions at once.
const suite = useTestDatabase();
const SESSIONS = 8;
const VEHICLES = 120;
let sessions: pg.Client[] = [];

beforeAll(async () => {
  sessions = Array.from({ length: SESSIONS }, () => new pg.Client({ connectionString: suite.database.url }));
  await Promise.all(sessions.map((c) => c.connect()));
});

afterAll(async () => {
  await Promise.all(sessions.map((c) => c.end()));
});

async function counted(): Promise<{ counter: number; rows: number; total: number | undefined }> {
  const { rows } = await suite.db.query<{ counter: number; rows: number }>(
    "SELECT (SELECT coalesce(sum(vehicles), 0) FROM vehicle_count)::int AS counter, (SELECT count(*) FROM vehicle)::int AS rows",
  );
  const health = await suite.db.query<{ total: number }>(FLEET_HEALTH_COUNTS_SQL, [new Date()]);
  return { counter: rows[0]?.counter ?? -1, rows: rows[0]?.rows ?? -1, total: health.rows[0]?.total };
}

// The processing statement's shape: insert a vehicle, or update the one already there.
const UPSERT = `INSERT INTO vehicle AS v (vehicle_id, make, last_seen_at, recent_gaps) VALUES ($1, 'TESLA', now(), '{}')
  ON CONFLICT (vehicle_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`;

describe("the fleet total kept in vehicle_count", () => {
  it("counts each vehicle once when many sessions upsert the same vehicles at once", async () => {
    // Every session upserts every vehicle, each in its own order: one insert per vehicle wins, the
    // other seven become updates, which must not count.
    await Promise.all(
      sessions.map(async (client, s) => {
        for (let i = 0; i < VEHICLES; i++) await client.query(UPSERT, [`veh-${(i * (s + 1) * 7) % VEHICLES}`]);
      }),
    );
    const { rows: spread } = await suite.db.query<{ shards: number }>("SELECT count(*)::int AS shards FROM vehicle_count WHERE vehicles <> 0");

    expect(await counted()).toEqual({ counter: VEHICLES, rows: VEHICLES, total: VEHICLES });
    expect(spread[0]?.shards).toBeGreaterThan(1);
  });

  it("counts only the rows a multi-row insert adds, drops deleted vehicles whoever deletes them, and undoes a rolled-back insert", async () => {
    // veh-100…veh-119 exist already: 30 new ones.
    await sessions[3]?.query(
      "INSERT INTO vehicle (vehicle_id, recent_gaps) SELECT 'veh-' || i, '{}' FROM generate_series(100, 149) AS i ON CONFLICT (vehicle_id) DO NOTHING",
    );
    await sessions[0]?.query("DELETE FROM vehicle WHERE vehicle_id IN ('veh-1', 'veh-2', 'veh-3', 'veh-149')");
    await sessions[5]?.query("DELETE FROM vehicle WHERE vehicle_id = 'veh-4'");
    await sessions[1]?.query("BEGIN");
    await sessions[1]?.query(UPSERT, ["veh-rolled-back"]);
    await sessions[1]?.query("ROLLBACK");

    const left = VEHICLES + 30 - 5;
    expect(await counted()).toEqual({ counter: left, rows: left, total: left });
  });

  it("starts again from zero after TRUNCATE, also for inserts later in the same transaction", async () => {
    await sessions[2]?.query("BEGIN");
    await sessions[2]?.query("TRUNCATE vehicle CASCADE");
    await sessions[2]?.query(UPSERT, ["veh-after-truncate"]);
    await sessions[2]?.query("COMMIT");

    expect(await counted()).toEqual({ counter: 1, rows: 1, total: 1 });
  });
});
