import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../../helpers/app";
import { eventRow } from "../../helpers/db-client";
import { signedFunctionCall, startInngestStub, type InngestStub } from "../../helpers/inngest-stub";
import { fixtureBytes, postWebhook } from "../../helpers/smartcar";
import { useTestDatabase } from "../../helpers/test-database";
import { waitFor } from "../../helpers/wait-for";

// Queue mode "inngest": no Inngest server can be installed here, so a stub plays its two roles —
// the event API the app sends to, and the caller of the app's signed /api/inngest endpoint.
const SIGNING_KEY = `signkey-test-${randomBytes(32).toString("hex")}`;
const DOCS_EVENT = "5d0a2291-b441-4092-ac66-c12ca2840a28";

const suite = useTestDatabase();

describe("with an Inngest server", () => {
  let stub: InngestStub;
  let app: RunningApp;

  beforeAll(async () => {
    stub = await startInngestStub();
    app = await startApp({
      databaseUrl: suite.database.url,
      env: { INNGEST_BASE_URL: stub.baseUrl, INNGEST_EVENT_KEY: "test-event-key", INNGEST_SIGNING_KEY: SIGNING_KEY },
    });
  });

  afterAll(async () => {
    await app?.stop();
    await stub?.close();
  });

  it("reports the queue mode on /api/health", async () => {
    expect(await (await fetch(`${app.url}/api/health`)).json()).toMatchObject({ queue: { mode: "inngest" } });
  });

  it("sends smartcar/event.received with the eventId as the Inngest event id, then marks it dispatched", async () => {
    expect((await postWebhook(app.url, fixtureBytes("vehicle-state.docs-shape.json"))).status).toBe(200);
    const sent = await waitFor(() => stub.events.find((e) => e.id === DOCS_EVENT), { what: "the event to reach the event API" });
    expect(sent).toMatchObject({ name: "smartcar/event.received", data: { eventId: DOCS_EVENT, vehicleId: "332bc6bb-4f5b-4273-aac1-6949e721b454" } });
    await waitFor(async () => ((await eventRow(suite.db, DOCS_EVENT))?.dispatched_at ? true : undefined), { what: "dispatched_at" });
  });

  it("runs the function when Inngest calls /api/inngest with a valid signature, and refuses an unsigned call", async () => {
    const sent = stub.events.find((e) => e.id === DOCS_EVENT);
    if (!sent) throw new Error("event not sent");
    const url = `${app.url}/api/inngest?fnId=smartcar-monitor-process-smartcar-event&stepId=step`;
    const { body, signature } = signedFunctionCall(SIGNING_KEY, sent, "run-from-inngest");

    const unsigned = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect(unsigned.status).toBe(401);
    expect(await eventRow(suite.db, DOCS_EVENT)).toMatchObject({ status: "PENDING" });

    const signed = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", "x-inngest-signature": signature } });
    expect(signed.status).toBe(200);
    expect(await eventRow(suite.db, DOCS_EVENT)).toMatchObject({ status: "PROCESSED", outcome: "APPLIED", signals_applied: 14 });
  });
});
