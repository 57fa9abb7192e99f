import { describe, expect, it } from "vitest";
import { diffAlerts } from "@/lib/alerts/diff";
import { dedupeKey, type AlertRule, type FiringAlert } from "@/lib/alerts/rules";

const firing = (rule: AlertRule, subject = "", summary = "s"): FiringAlert => ({
  rule,
  subject,
  dedupeKey: dedupeKey(rule, subject),
  severity: "warning",
  title: rule,
  detail: { summary },
});

describe("diffAlerts", () => {
  it("opens what fires with no live alert", () => {
    const changes = diffAlerts([firing("backlog_age"), firing("vehicle_silent", "v-1")], []);
    expect(changes.open.map((a) => a.dedupeKey)).toEqual(["backlog_age", "vehicle_silent:v-1"]);
    expect(changes.refresh).toEqual([]);
    expect(changes.resolve).toEqual([]);
  });

  it("refreshes a live alert that still fires instead of opening a second one", () => {
    const now = firing("backlog_age", "", "newer numbers");
    const changes = diffAlerts([now], [{ id: "12", dedupeKey: "backlog_age" }]);
    expect(changes).toEqual({ open: [], refresh: [{ id: "12", alert: now }], resolve: [] });
  });

  it("resolves live alerts that no longer fire, whatever their rule", () => {
    const changes = diffAlerts(
      [firing("vehicle_silent", "v-1")],
      [
        { id: "1", dedupeKey: "vehicle_silent:v-1" },
        { id: "2", dedupeKey: "vehicle_silent:v-2" },
        { id: "3", dedupeKey: "a_rule_this_version_no_longer_has" },
      ],
    );
    expect(changes.resolve).toEqual(["2", "3"]);
    expect(changes.refresh.map((r) => r.id)).toEqual(["1"]);
    expect(changes.open).toEqual([]);
  });

  it("opens a key only once even if it fires twice", () => {
    const changes = diffAlerts([firing("dead_letters", "", "first"), firing("dead_letters", "", "second")], []);
    expect(changes.open).toHaveLength(1);
    expect(changes.open[0]?.detail.summary).toBe("first");
  });

  it("resolves everything when nothing fires", () => {
    expect(diffAlerts([], [{ id: "5", dedupeKey: "backlog_age" }])).toEqual({ open: [], refresh: [], resolve: ["5"] });
  });
});
