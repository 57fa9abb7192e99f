import { Gauge, type Registry } from "prom-client";
import type pg from "pg";

// Gauges computed from the database at scrape time, so every instance behind a load balancer
// reports the same backlog instead of its own slice of it. Silence reads the deadline the
// vehicle_silent_after trigger keeps (an index range), not a median per vehicle row.
const LIVE_SQL = `
SELECT
  (SELECT count(*) FROM event WHERE status = 'PENDING') AS pending,
  (SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0) FROM event WHERE status = 'PENDING') AS oldest_age,
  (SELECT count(*) FROM vehicle WHERE silent_after < now()) AS silent`;

export function registerLiveGauges(registry: Registry, db: () => pg.Pool): void {
  let snapshot: Promise<{ pending: number; oldestAge: number; silent: number } | null> | null = null;
  // One query per scrape feeds all three gauges. While the database is down they report no
  // sample (never a made-up 0), and the rest of the scrape — the spool, the breaker — still works.
  const read = () => {
    snapshot ??= db()
      .query<{ pending: string; oldest_age: string; silent: string }>({ name: "metrics-live-gauges", text: LIVE_SQL })
      .then((r) => ({ pending: Number(r.rows[0]?.pending ?? 0), oldestAge: Number(r.rows[0]?.oldest_age ?? 0), silent: Number(r.rows[0]?.silent ?? 0) }))
      .catch(() => null)
      .finally(() => setTimeout(() => (snapshot = null), 0));
    return snapshot;
  };
  new Gauge({
    name: "smartcar_backlog_events",
    help: "Events stored and not yet processed (status PENDING)",
    registers: [registry],
    async collect() {
      const live = await read();
      if (live) this.set(live.pending);
      else this.remove();
    },
  });
  new Gauge({
    name: "smartcar_backlog_oldest_age_seconds",
    help: "Age of the oldest PENDING event",
    registers: [registry],
    async collect() {
      const live = await read();
      if (live) this.set(live.oldestAge);
      else this.remove();
    },
  });
  new Gauge({
    name: "smartcar_vehicles_silent",
    help: "Vehicles quiet for longer than max(3 × their median gap, 60 min)",
    registers: [registry],
    async collect() {
      const live = await read();
      if (live) this.set(live.silent);
      else this.remove();
    },
  });
}
