import { createHmac } from "node:crypto";
import { serve } from "inngest/next";
import { NextRequest } from "next/server";
import { beforeEach, describe, expect, it } from "vitest";
import { applyOps } from "@/inngest/embedded/drive";
import { buildFunctionTable } from "@/inngest/embedded/functions";
import { buildRunRequest, buildSyncRequest, parseRunResponse, parseSyncResponse, type StepEntry } from "@/inngest/embedded/protocol";
import { createInProcessTransport } from "@/inngest/embedded/transport";
import { client, fnId, functions, record, SIGNING_KEY } from "./app";

// The serve protocol as this SDK version speaks it, pinned so an upgrade that changes it fails
// here rather than in the executor.

const transport = createInProcessTransport(client, functions);
const event = { id: "evt-p", name: "test/multi-step", data: {}, ts: 1 };

async function callOnce(stepId: string, steps: StepEntry[], attempt = 0) {
  return parseRunResponse(
    await transport(buildRunRequest({ runId: "run-p", fnId: fnId("multi-step"), stepId, event, steps, attempt, maxAttempts: 3 })),
  );
}

describe("serve protocol", () => {
  beforeEach(() => record.reset());

  it("syncs function configs in-band", async () => {
    const { table, warnings } = buildFunctionTable(parseSyncResponse(await transport(buildSyncRequest())));
    expect(warnings).toEqual([]);
    expect(table.byId.get(fnId("doomed"))).toMatchObject({ maxAttempts: 3, failureFnId: fnId("doomed-failure"), events: ["test/doomed"] });
    // onFailure handlers get one retry and are started by the executor, never by an event.
    expect(table.byId.get(fnId("doomed-failure"))).toMatchObject({ maxAttempts: 2, events: [], failureFnId: null });
    expect(table.byId.get(fnId("no-step"))).toMatchObject({ maxAttempts: 4, concurrency: null });
    expect(table.byId.get(fnId("keyed"))?.concurrency).toEqual({ limit: 1, keyPath: ["data", "key"] });
    expect(table.byId.get(fnId("every-minute"))?.crons).toEqual(["* * * * *"]);
  });

  it("runs one step per call, plans parallel steps, and answers 200 when done", async () => {
    const trace: string[] = [];
    let steps: StepEntry[] = [];
    let stepId = "step";
    const planned: string[] = [];
    for (let i = 0; i < 10; i++) {
      const outcome = await callOnce(stepId, steps);
      if (outcome.kind !== "ops") {
        trace.push(outcome.kind);
        break;
      }
      trace.push(outcome.ops.map((op) => op.op).join("+"));
      const applied = applyOps(steps, outcome.ops, Date.now());
      steps = applied.steps;
      planned.push(...applied.planned);
      stepId = planned.shift() ?? "step";
    }
    expect(trace).toEqual(["StepRun", "StepRun", "StepPlanned+StepPlanned", "StepRun", "StepRun", "done"]);
    expect(record.steps).toEqual({ a: 1, b: 1, c: 1, d: 1 });
    // Step state is keyed by the SHA-1 of the step id.
    expect(steps[0]?.id).toBe("86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");
  });

  it("reports a retriable step error, then StepFailed on the last attempt", async () => {
    const first = await callOnce("step", []);
    expect(first.kind === "ops" && first.ops[0]?.op).toBe("StepRun");
    const steps = first.kind === "ops" ? applyOps([], first.ops, 0).steps : [];

    const failing = { id: "evt-p2", name: "test/multi-step", data: { failBOnce: true }, ts: 1 };
    const call = (attempt: number) =>
      transport(buildRunRequest({ runId: "run-p2", fnId: fnId("multi-step"), stepId: "step", event: failing, steps, attempt, maxAttempts: 2 }));
    const retriable = parseRunResponse(await call(0));
    expect(retriable.kind === "ops" && retriable.ops.map((o) => o.op)).toEqual(["StepError"]);
    record.steps.b = 0;
    const final = parseRunResponse(await call(1));
    expect(final.kind === "ops" && final.ops.map((o) => o.op)).toEqual(["StepFailed"]);
  });

  it("answers a function error with 500 and asks for a retry, then 400 on the last attempt", async () => {
    const call = (attempt: number) =>
      transport(
        buildRunRequest({ runId: "run-f", fnId: fnId("doomed"), stepId: "step", event: { name: "test/doomed", data: {} }, steps: [], attempt, maxAttempts: 3 }),
      );
    const early = await call(0);
    expect(early.status).toBe(500);
    expect(early.headers["x-inngest-no-retry"]).toBe("false");
    expect(parseRunResponse(early)).toMatchObject({ kind: "error", final: false, error: { name: "Error", message: "doomed attempt 0" } });
    const last = await call(2);
    expect(last.status).toBe(400);
    expect(parseRunResponse(last)).toMatchObject({ kind: "error", final: true });
  });
});

describe("the public serve handler", () => {
  const handler = serve({ client, functions });
  const url = `http://localhost:3000/api/inngest?fnId=${fnId("no-step")}&stepId=step`;
  const body = {
    ctx: { attempt: 0, max_attempts: 4, run_id: "run-public", stack: { current: 0, stack: [] }, use_api: false },
    event: { data: { n: 9 }, id: "evt-public", name: "test/no-step", ts: 1 },
    events: [{ data: { n: 9 }, id: "evt-public", name: "test/no-step", ts: 1 }],
    steps: {},
  };
  // The body above has sorted keys and no whitespace when stringified: already RFC 8785 canonical.
  const sign = (key: string, t: number) => createHmac("sha256", key.replace(/^signkey-\w+-/, "")).update(JSON.stringify(body) + t).digest("hex");
  const post = (headers: Record<string, string>) =>
    handler.POST(new NextRequest(url, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...headers } }), undefined);

  beforeEach(() => record.reset());

  it("rejects an unsigned call", async () => {
    expect((await post({})).status).toBe(401);
    expect(record.noStep).toEqual([]);
  });

  it("rejects a call signed with another key", async () => {
    const t = Math.floor(Date.now() / 1000);
    const res = await post({ "x-inngest-signature": `t=${t}&s=${sign(`signkey-test-${"cd34".repeat(16)}`, t)}` });
    expect(res.status).toBe(401);
    expect(record.noStep).toEqual([]);
  });

  it("rejects an unsigned in-band sync", async () => {
    const res = await handler.PUT(
      new NextRequest("http://localhost:3000/api/inngest", {
        method: "PUT",
        body: JSON.stringify({ url: "http://localhost:3000/api/inngest" }),
        headers: { "content-type": "application/json", "x-inngest-sync-kind": "in_band" },
      }),
      undefined,
    );
    expect(res.status).toBe(401);
  });

  it("runs a call signed with the app's key", async () => {
    const t = Math.floor(Date.now() / 1000);
    const res = await post({ "x-inngest-signature": `t=${t}&s=${sign(SIGNING_KEY, t)}` });
    expect(res.status).toBe(200);
    expect(record.noStep).toEqual([{ n: 9 }]);
  });
});
