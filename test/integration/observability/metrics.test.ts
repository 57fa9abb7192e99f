import { describe, expect, it } from "vitest";
import { useAppWithDatabase } from "../../helpers/app-with-database";
import { finalEventRow } from "../../helpers/db-client";
import { fixtureBytes, postWebhook } from "../../helpers/smartcar";
import { waitFor } from "../../helpers/wait-for";

const METRICS_TOKEN = "scrape-me-please";
const suite = useAppWithDatabase({ env: { METRICS_TOKEN } });

async function scrape(token: string | null): Promise<Response> {
  return fetch(`${suite.app.url}/api/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
}

function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}${labels} `) || (labels === "" && l.startsWith(`${name} `)));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("/api/metrics", () => {
  it("refuses a scrape without the metrics token or an admin token", async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape("wrong-token")).status).toBe(401);
  });

  it("counts deliveries by outcome and reason, signature slots, processing, and reads the backlog from the database", async () => {
    expect((await postWebhook(suite.app.url, fixtureBytes("vehicle-state.docs-shape.json"))).status).toBe(200);
    expect((await postWebhook(suite.app.url, fixtureBytes("vehicle-state.docs-shape.json"))).status).toBe(200);
    expect((await postWebhook(suite.app.url, fixtureBytes("vehicle-state.docs-shape.json"), { signature: null })).status).toBe(401);
    await waitFor(() => finalEventRow(suite.db, "5d0a2291-b441-4092-ac66-c12ca2840a28"), { what: "processing" });

    const res = await scrape(METRICS_TOKEN);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(sample(text, "smartcar_deliveries_total", '{outcome="accepted",reason=""}')).toBe(1);
    expect(sample(text, "smartcar_deliveries_total", '{outcome="duplicate",reason=""}')).toBe(1);
    expect(sample(text, "smartcar_deliveries_total", '{outcome="rejected",reason="SIGNATURE_MISSING"}')).toBe(1);
    expect(sample(text, "smartcar_signature_verified_total", '{slot="current"}')).toBe(2);
    expect(sample(text, "smartcar_events_processed_total", '{outcome="APPLIED"}')).toBe(1);
    expect(sample(text, "smartcar_receive_duration_seconds_count", '{outcome="accepted"}')).toBe(1);
    expect(sample(text, "smartcar_processing_lag_seconds_count")).toBe(1);
    expect(sample(text, "smartcar_backlog_events")).toBe(0);
    expect(sample(text, "smartcar_vehicles_silent")).toBe(0);
    // No per-vehicle labels: cardinality stays bounded by outcomes and reasons.
    expect(text).not.toContain("332bc6bb");
  });

  it("shows a PENDING event in the backlog gauges", async () => {
    await suite.db.query(
      "INSERT INTO event (event_id, event_type, raw_body, body_bytes, received_at) VALUES ('stuck-1', 'VEHICLE_STATE', '{}', 2, now() - interval '10 minutes')",
    );
    const text = await (await scrape(METRICS_TOKEN)).text();
    expect(sample(text, "smartcar_backlog_events")).toBe(1);
    expect(sample(text, "smartcar_backlog_oldest_age_seconds")).toBeGreaterThanOrEqual(600);
  });

  it("counts a vehicle quiet past its silence deadline, and not one heard from recently", async () => {
    // No recent gaps: the deadline is the 60-minute minimum after last_seen_at.
    await suite.db.query(
      `INSERT INTO vehicle (vehicle_id, last_seen_at, recent_gaps) VALUES
         ('quiet-for-2h', now() - interval '2 hours', '{}'), ('heard-10-min-ago', now() - interval '10 minutes', '{}')`,
    );
    const text = await (await scrape(METRICS_TOKEN)).text();
    expect(sample(text, "smartcar_vehicles_silent")).toBe(1);
  });
});
