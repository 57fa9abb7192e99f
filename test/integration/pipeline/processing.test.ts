import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { finalEventRow } from "../../helpers/db-client";
import { vehicleState } from "../../helpers/events";
import { fixtureBytes, postWebhook } from "../../helpers/smartcar";
import { waitFor } from "../../helpers/wait-for";

// Events go in through the real receiver and come out through the embedded executor driving the
// real Inngest serve() handler; assertions read Postgres.
const suite = useAppWithDatabase();

async function deliver(body: Buffer | string): Promise<string> {
  const res = await postWebhook(suite.app.url, body);
  expect(res.status).toBe(200);
  const json = (await res.json()) as { eventId: string };
  return json.eventId;
}

async function deliverAndSettle(body: Buffer | string): Promise<Record<string, unknown>> {
  const eventId = await deliver(body);
  return waitFor(() => finalEventRow(suite.db, eventId), { what: `event ${eventId} to finish` });
}

async function signal(vehicleId: string, code: string): Promise<Record<string, unknown> | undefined> {
  const result = await suite.db.query("SELECT * FROM vehicle_signal WHERE vehicle_id = $1 AND code = $2", [vehicleId, code]);
  return result.rows[0];
}

/** A VEHICLE_STATE event whose only signal failed (Smartcar's shape: a status, no body). */
function failedSignal(vehicleId: string, code: string, deliveredAt: number): string {
  const event = JSON.parse(vehicleState(vehicleId, [], { deliveredAt }));
  const [group = "", name = ""] = code.split("-");
  event.data.signals = [{ code, name, group, status: { value: "ERROR", error: { type: "UPSTREAM", code: "NO_RESPONSE" } } }];
  return JSON.stringify(event);
}

const TESLA = "332bc6bb-4f5b-4273-aac1-6949e721b454";
const VW = "04c719f7-4672-4cfa-a682-6ad4e5610348";

describe("the fixture sequence of the main vehicle (fixtures README)", () => {
  it("ends in the expected state", async () => {
    const first = await deliverAndSettle(fixtureBytes("vehicle-state.docs-shape.json"));
    expect(first).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", signals_applied: 14, signals_stale: 0, signals_failed: 0 });

    const second = await deliverAndSettle(fixtureBytes("vehicle-state.real-shape.json"));
    expect(second).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", signals_applied: 14, signals_failed: 2 });

    await deliverAndSettle(fixtureBytes("vehicle-error.compatibility.json"));
    await deliverAndSettle(fixtureBytes("vehicle-error.unreachable-resolved.json"));
    await deliverAndSettle(fixtureBytes("vehicle-error.permission-variant.json"));

    const sixth = await deliverAndSettle(fixtureBytes("vehicle-state.first-delivery.json"));
    expect(sixth).toMatchObject({ status: "PROCESSED", outcome: "ALL_STALE", signals_applied: 0, signals_stale: 14 });

    expect(await signal(TESLA, "tractionbattery-stateofcharge")).toMatchObject({ status: "OK", body: { unit: "percent", value: 81 } });
    expect(await signal(TESLA, "tractionbattery-range")).toMatchObject({ status: "OK", body: { value: 332 } });
    expect(await signal(TESLA, "location-isathome")).toMatchObject({ status: "UNSUPPORTED", error_type: "COMPATIBILITY", error_code: "VEHICLE_NOT_CAPABLE" });
    expect(await signal(TESLA, "charge-chargetimers")).toMatchObject({ status: "ERROR", error_type: "SERVER", error_code: "INTERNAL", body: null });

    const vehicle = await suite.db.query("SELECT * FROM vehicle WHERE vehicle_id = $1", [TESLA]);
    expect(vehicle.rows[0]).toMatchObject({ make: "TESLA", model: "Model 3", year: 2021, needs_reauth: true });

    const conditions = await suite.db.query("SELECT type, code, state, signals FROM vehicle_condition WHERE vehicle_id = $1 ORDER BY type, code", [TESLA]);
    expect(conditions.rows).toEqual([
      { type: "COMPATIBILITY", code: "VEHICLE_NOT_CAPABLE", state: "ERROR", signals: ["location-isathome"] },
      { type: "PERMISSION", code: "", state: "ERROR", signals: ["vehicleidentification-nickname"] },
      { type: "VEHICLE_STATE", code: "UNREACHABLE", state: "RESOLVED", signals: ["location-preciselocation"] },
    ]);

    // History keeps both readings of the state of charge, the older one included.
    const history = await suite.db.query("SELECT value FROM signal_reading WHERE vehicle_id = $1 AND code = 'tractionbattery-stateofcharge' ORDER BY at", [TESLA]);
    expect(history.rows.map((r) => r.value)).toEqual([64, 78, 81]);
  });
});

describe("the other fixtures", () => {
  it("stores a TEST-mode event without applying it", async () => {
    const row = await deliverAndSettle(fixtureBytes("variants.vehicle-state.json"));
    expect(row).toMatchObject({ status: "PROCESSED", outcome: "TEST_NOT_APPLIED", mode: "TEST" });
    expect(await signal(VW, "internalcombustionengine-fuellevel")).toBeUndefined();
  });

  it("applies spelling variants of VEHICLE_ERROR and flags the vehicle for re-authentication", async () => {
    await deliverAndSettle(fixtureBytes("variants.vehicle-error.json"));
    const conditions = await suite.db.query("SELECT type, code, state, signals FROM vehicle_condition WHERE vehicle_id = $1 ORDER BY type", [VW]);
    expect(conditions.rows).toEqual([
      { type: "CONNECTED_SERVICES_ACCOUNT", code: "SUBSCRIPTION", state: "ERROR", signals: [] },
      { type: "PERMISSION", code: "", state: "ERROR", signals: ["charge-ischarging"] },
      { type: "UPSTREAM", code: "NO_RESPONSE", state: "ERROR", signals: [] },
    ]);
    const vehicle = await suite.db.query("SELECT needs_reauth FROM vehicle WHERE vehicle_id = $1", [VW]);
    expect(vehicle.rows[0]?.needs_reauth).toBe(true);
  });

  it("keeps needsReauth when a FIRST_DELIVERY is older than the error, in the real-traffic shape", async () => {
    const row = await deliverAndSettle(fixtureBytes("vehicle-state.first-delivery.real-shape.json"));
    expect(row).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", signals_applied: 14 });
    const vehicle = await suite.db.query("SELECT needs_reauth FROM vehicle WHERE vehicle_id = $1", [VW]);
    expect(vehicle.rows[0]?.needs_reauth).toBe(true);
  });

  it("clears needsReauth on a FIRST_DELIVERY newer than the error", async () => {
    const vehicleId = `reauth-${randomUUID()}`;
    const t = Date.now();
    const error = JSON.stringify({
      eventId: randomUUID(),
      eventType: "VEHICLE_ERROR",
      vehicleId,
      data: { vehicle: { id: vehicleId }, errors: [{ type: "CONNECTED_SERVICES_ACCOUNT", code: "AUTHENTICATION_FAILED", state: "ERROR" }] },
      meta: { deliveryId: randomUUID(), deliveredAt: t - 60_000, mode: "LIVE" },
    });
    await deliverAndSettle(error);
    expect((await suite.db.query("SELECT needs_reauth FROM vehicle WHERE vehicle_id = $1", [vehicleId])).rows[0]?.needs_reauth).toBe(true);
    const firstDelivery = JSON.parse(vehicleState(vehicleId, [{ code: "odometer-traveleddistance", value: 10, oemUpdatedAt: t }], { deliveredAt: t }));
    firstDelivery.data.triggers = [{ code: "FIRST_DELIVERY" }];
    await deliverAndSettle(JSON.stringify(firstDelivery));
    expect((await suite.db.query("SELECT needs_reauth FROM vehicle WHERE vehicle_id = $1", [vehicleId])).rows[0]?.needs_reauth).toBe(false);
  });

  it("applies all 173 signals of the largest real payload", async () => {
    const row = await deliverAndSettle(fixtureBytes("vehicle-state.large.json"));
    expect(row).toMatchObject({ status: "PROCESSED", outcome: "APPLIED" });
    const stored = await suite.db.query<{ n: string }>("SELECT count(*) AS n FROM vehicle_signal WHERE event_id = $1", [row.event_id]);
    expect(Number(row.signals_applied) + Number(row.signals_failed)).toBe(173);
    expect(Number(stored.rows[0]?.n)).toBe(173);
  });

  it("dead-letters an event with no vehicle id at once, without retries", async () => {
    const body = JSON.stringify({ eventId: randomUUID(), eventType: "VEHICLE_STATE", data: { signals: [] }, meta: { mode: "LIVE" } });
    const row = await deliverAndSettle(body);
    expect(row).toMatchObject({ status: "DEAD_LETTERED", error_reason: "NO_VEHICLE_ID", attempts: 1 });
  });

  it("records an unknown event type as processed and ignored", async () => {
    const row = await deliverAndSettle(JSON.stringify({ eventId: randomUUID(), eventType: "SOMETHING_NEW", vehicleId: "v" }));
    expect(row).toMatchObject({ status: "PROCESSED", outcome: "IGNORED_EVENT_TYPE" });
  });
});

describe("ordering per signal", () => {
  it("lets each signal's newest reading win, whatever order the events arrive in", async () => {
    const vehicleId = `order-${randomUUID()}`;
    const t = 1_764_000_000_000;
    const a = vehicleState(vehicleId, [
      { code: "tractionbattery-stateofcharge", value: 50, oemUpdatedAt: t + 2_000 },
      { code: "tractionbattery-range", value: 200, oemUpdatedAt: t + 1_000 },
    ]);
    const b = vehicleState(vehicleId, [
      { code: "tractionbattery-stateofcharge", value: 40, oemUpdatedAt: t + 1_000 },
      { code: "tractionbattery-range", value: 300, oemUpdatedAt: t + 2_000 },
    ]);
    const rowA = await deliverAndSettle(a);
    const rowB = await deliverAndSettle(b);
    expect(rowA).toMatchObject({ signals_applied: 2, signals_stale: 0 });
    expect(rowB).toMatchObject({ signals_applied: 1, signals_stale: 1 });
    expect(await signal(vehicleId, "tractionbattery-stateofcharge")).toMatchObject({ body: { value: 50 } });
    expect(await signal(vehicleId, "tractionbattery-range")).toMatchObject({ body: { value: 300 } });
  });

  it("treats a tie as stale and breaks oemUpdatedAt ties with the fetch time", async () => {
    const vehicleId = `tie-${randomUUID()}`;
    const t = 1_764_000_000_000;
    await deliverAndSettle(vehicleState(vehicleId, [{ code: "odometer-traveleddistance", value: 100, oemUpdatedAt: t, retrievedAt: t + 10 }]));
    const tie = await deliverAndSettle(vehicleState(vehicleId, [{ code: "odometer-traveleddistance", value: 999, oemUpdatedAt: t, retrievedAt: t + 10 }]));
    expect(tie).toMatchObject({ outcome: "ALL_STALE", signals_stale: 1 });
    expect(await signal(vehicleId, "odometer-traveleddistance")).toMatchObject({ body: { value: 100 } });
    const laterFetch = await deliverAndSettle(vehicleState(vehicleId, [{ code: "odometer-traveleddistance", value: 101, oemUpdatedAt: t, retrievedAt: t + 20 }]));
    expect(laterFetch).toMatchObject({ signals_applied: 1 });
    expect(await signal(vehicleId, "odometer-traveleddistance")).toMatchObject({ body: { value: 101 } });
  });

  it("keeps the last good body when a newer failure arrives, and clears the error with a newer reading", async () => {
    const vehicleId = `fail-${randomUUID()}`;
    const t = 1_764_000_000_000;
    await deliverAndSettle(vehicleState(vehicleId, [{ code: "charge-ischarging", value: true, oemUpdatedAt: t }], { deliveredAt: t + 100 }));
    const failed = await deliverAndSettle(failedSignal(vehicleId, "charge-ischarging", t + 5_000));
    expect(failed).toMatchObject({ signals_failed: 1 });
    expect(await signal(vehicleId, "charge-ischarging")).toMatchObject({ status: "ERROR", error_type: "UPSTREAM", body: { value: true } });
    await deliverAndSettle(vehicleState(vehicleId, [{ code: "charge-ischarging", value: false, oemUpdatedAt: t + 10_000 }]));
    expect(await signal(vehicleId, "charge-ischarging")).toMatchObject({ status: "OK", error_type: null, body: { value: false } });
  });

  it("clears a failure with a later observation of a value unchanged for days (a VIN), counted stale", async () => {
    const vehicleId = `static-${randomUUID()}`;
    const t = 1_764_000_000_000;
    const vin = (deliveredAt: number) => vehicleState(vehicleId, [{ code: "vehicleidentification-vin", value: "WVW123", oemUpdatedAt: t - 3 * 86_400_000 }], { deliveredAt });
    await deliverAndSettle(vin(t));
    await deliverAndSettle(failedSignal(vehicleId, "vehicleidentification-vin", t + 5_000));
    expect(await signal(vehicleId, "vehicleidentification-vin")).toMatchObject({ status: "ERROR", body: { value: "WVW123" } });
    // The same reading (same oemUpdatedAt, no fetch time) observed after the failure.
    const again = await deliverAndSettle(vin(t + 10_000));
    expect(again).toMatchObject({ outcome: "ALL_STALE", signals_applied: 0, signals_stale: 1 });
    const cleared = await signal(vehicleId, "vehicleidentification-vin");
    expect(cleared).toMatchObject({ status: "OK", error_type: null, body: { value: "WVW123" } });
    expect((cleared?.since as Date).getTime()).toBe(t + 10_000);
  });

  it("ignores a failure observed before the stored reading's fetch, and a failure never replaces a body", async () => {
    const vehicleId = `late-fail-${randomUUID()}`;
    const t = 1_764_000_000_000;
    await deliverAndSettle(vehicleState(vehicleId, [{ code: "charge-ischarging", value: true, oemUpdatedAt: t, retrievedAt: t + 9_000 }], { deliveredAt: t + 9_500 }));
    const late = await deliverAndSettle(failedSignal(vehicleId, "charge-ischarging", t + 5_000));
    expect(late).toMatchObject({ signals_failed: 1 });
    expect(await signal(vehicleId, "charge-ischarging")).toMatchObject({ status: "OK", error_type: null, body: { value: true } });

    // A signal seen failing first gets the body of any reading that follows, however old; the
    // status follows the later observation (here still the failure).
    await deliverAndSettle(failedSignal(vehicleId, "charge-chargerate", t + 20_000));
    const old = await deliverAndSettle(vehicleState(vehicleId, [{ code: "charge-chargerate", value: 7, oemUpdatedAt: t - 60_000, retrievedAt: t + 15_000 }]));
    expect(old).toMatchObject({ signals_applied: 1 });
    expect(await signal(vehicleId, "charge-chargerate")).toMatchObject({ status: "ERROR", body: { value: 7 } });
  });

  it("keeps a failure reported again after a reading that is processed last (runs are not in observation order)", async () => {
    const vehicleId = `reorder-${randomUUID()}`;
    const t = 1_764_000_000_000;
    await deliverAndSettle(failedSignal(vehicleId, "location-preciselocation", t + 1_000));
    // The same failure observed again: the status does not change, its observation time does.
    await deliverAndSettle(failedSignal(vehicleId, "location-preciselocation", t + 3_000));
    const reading = await deliverAndSettle(vehicleState(vehicleId, [{ code: "location-preciselocation", value: 1, oemUpdatedAt: t, retrievedAt: t + 2_000 }]));
    expect(reading).toMatchObject({ signals_applied: 1 });
    expect(await signal(vehicleId, "location-preciselocation")).toMatchObject({ status: "ERROR", body: { value: 1 } });
  });

  it("does not let an older ERROR reopen a condition already RESOLVED", async () => {
    const vehicleId = `cond-${randomUUID()}`;
    const t = Date.now();
    const report = (state: string, deliveredAt: number) =>
      JSON.stringify({
        eventId: randomUUID(),
        eventType: "VEHICLE_ERROR",
        vehicleId,
        data: { vehicle: { id: vehicleId }, errors: [{ type: "VEHICLE_STATE", code: "ASLEEP", state }] },
        meta: { deliveryId: randomUUID(), deliveredAt, mode: "LIVE" },
      });
    await deliverAndSettle(report("RESOLVED", t));
    await deliverAndSettle(report("ERROR", t - 30_000));
    const condition = await suite.db.query("SELECT state FROM vehicle_condition WHERE vehicle_id = $1", [vehicleId]);
    expect(condition.rows[0]?.state).toBe("RESOLVED");
  });

  it("marks a re-detected VEHICLE_ERROR with a new eventId inside the window as DUPLICATE_ERROR", async () => {
    const vehicleId = `dedup-${randomUUID()}`;
    const t = Date.now();
    const report = (deliveredAt: number) =>
      JSON.stringify({
        eventId: randomUUID(),
        eventType: "VEHICLE_ERROR",
        vehicleId,
        data: { user: { id: "u" }, vehicle: { id: vehicleId }, errors: [{ type: "VEHICLE_STATE", code: "UNREACHABLE", state: "ERROR" }] },
        meta: { deliveryId: randomUUID(), deliveredAt, mode: "LIVE" },
      });
    expect(await deliverAndSettle(report(t))).toMatchObject({ outcome: "APPLIED" });
    expect(await deliverAndSettle(report(t + 60_000))).toMatchObject({ status: "PROCESSED", outcome: "DUPLICATE_ERROR" });
    expect(await deliverAndSettle(report(t + 3_600_000))).toMatchObject({ outcome: "APPLIED" });
  });
});
