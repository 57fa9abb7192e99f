import { Gauge, type Registry } from "prom-client";
import type pg from "pg";

// smartcar_alerts_open{severity}: live (open or acknowledged) alerts, read from the database at
// scrape time so every instance reports the same number. Severity is the only label: per-rule or
// per-vehicle labels would grow without bound.
export function registerAlertGauge(registry: Registry, db: () => pg.Pool): void {
  new Gauge({
    name: "smartcar_alerts_open",
    help: "Alerts open or acknowledged (not yet resolved), by severity",
    labelNames: ["severity"],
    registers: [registry],
    async collect() {
      const result = await db()
        .query<{ severity: string; n: number }>({
          name: "metrics-alerts-open",
          text: "SELECT severity, count(*)::int AS n FROM alert WHERE open_key IS NOT NULL GROUP BY severity",
        })
        // Database down: no sample rather than a failed scrape (the spool and breaker gauges matter most then).
        .catch(() => null);
      this.reset();
      if (!result) return;
      for (const severity of ["warning", "critical"]) this.set({ severity }, result.rows.find((r) => r.severity === severity)?.n ?? 0);
    },
  });
}
