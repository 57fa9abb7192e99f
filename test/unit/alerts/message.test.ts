import { describe, expect, it } from "vitest";
import { alertMessage, type NotifiableAlert } from "@/lib/alerts/message";
import { parseEnv } from "@/lib/config";
import { alertThresholds } from "@/lib/alerts/settings";

const alert: NotifiableAlert = {
  id: "42",
  rule: "vehicle_silent",
  subject: "v-1",
  severity: "critical",
  title: "Vehicle silent: <Tesla & co>",
  summary: "No event for 5 h.",
  openedAt: new Date("2030-01-10T10:00:00.000Z"),
  resolvedAt: null,
};

describe("alertMessage", () => {
  it("announces an opened alert with its severity, summary and identity", () => {
    const message = alertMessage(alert, "opened");
    expect(message.text).toBe("🔴 CRITICAL alert opened: Vehicle silent: <Tesla & co> — No event for 5 h.");
    expect(message.blocks[0]).toEqual({ type: "section", text: { type: "mrkdwn", text: "*🔴 CRITICAL alert opened: Vehicle silent: &lt;Tesla &amp; co&gt;*\nNo event for 5 h." } });
    expect(message.blocks[1]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "rule `vehicle_silent` · subject `v-1` · alert #42 · opened 2030-01-10 10:00 UTC" }] });
  });

  it("announces a resolution with both times", () => {
    const message = alertMessage({ ...alert, subject: "", resolvedAt: new Date("2030-01-10T11:30:00.000Z") }, "resolved");
    expect(message.text).toBe("✅ Resolved: Vehicle silent: <Tesla & co>");
    expect(message.blocks[1]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "rule `vehicle_silent` · alert #42 · opened 2030-01-10 10:00 UTC, resolved 2030-01-10 11:30 UTC" }] });
  });
});

describe("alert configuration", () => {
  it("has defaults for every threshold and evaluates every minute", () => {
    const config = parseEnv({});
    expect(config.ALERT_EVALUATION_CRON).toBe("* * * * *");
    expect(config.ALERT_WEBHOOK_URL).toBeUndefined();
    expect(alertThresholds(config)).toEqual({
      windowMinutes: 15,
      signatureFailures: 10,
      previousTokenConfigured: false,
      previousTokenWindowMinutes: 60,
      processingErrorRate: 0.1,
      processingMinAttempts: 20,
      backlogAgeSeconds: 300,
      receiveP95Ms: 5_000,
      receiveMinSamples: 20,
      receiveWindowMinutes: 60,
      deadLetters: 1,
      vehicleAlertsMax: 20,
      outageGraceMinutes: 60,
    });
  });

  it("runs the previous-token rule only while a previous token is configured", () => {
    expect(alertThresholds(parseEnv({ SMARTCAR_MANAGEMENT_TOKEN_PREVIOUS: "old" })).previousTokenConfigured).toBe(true);
  });

  it("refuses a bad schedule, rate or webhook URL without repeating the URL", () => {
    expect(() => parseEnv({ ALERT_EVALUATION_CRON: "every minute" })).toThrow(/ALERT_EVALUATION_CRON/);
    expect(() => parseEnv({ ALERT_PROCESSING_ERROR_RATE: "1.5" })).toThrow(/ALERT_PROCESSING_ERROR_RATE/);
    let message = "";
    try {
      parseEnv({ ALERT_WEBHOOK_URL: "ftp://hooks.example/services/T000/B000/secret-part" });
    } catch (err) {
      message = String(err);
    }
    expect(message).toMatch(/ALERT_WEBHOOK_URL: expected an http\(s\) URL/);
    expect(message).not.toMatch(/secret-part/);
  });

  it("accepts 0 per-vehicle alerts (fleet alerts only)", () => {
    expect(alertThresholds(parseEnv({ ALERT_VEHICLE_ALERTS_MAX: "0" })).vehicleAlertsMax).toBe(0);
  });
});
