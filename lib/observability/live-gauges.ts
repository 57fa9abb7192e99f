import { Gauge, type Registry } from "prom-client";
import type pg from "pg";

// Gauges computed from the database at scrape time, so every instance behind a load balancer
// reports the same backlog instead of its own slice of it.
const LIVE_SQL = `
SELECT
  (SELECT count(*) FROM event WHERE status = 'PENDING') AS pending,
  (SELECT coalesce(extract(epoch FROM now() - min(received_at)), 0) FROM event WHERE status = 'PENDING') AS oldest_age,
  (SELECT count(*) FROM vehicle v
    WHERE v.last_seen_at < now() - make_interval(secs => greatest(
      3 * coalesce((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY g) FROM unnest(v.recent_gaps) AS g), 0),
      3600))) AS silent`;

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
