import type { FiringAlert } from "@/lib/alerts/rules";

// From "what fires now" and "which alerts are live" to the changes one evaluation makes. Pure.
// A live alert (OPEN or ACKNOWLEDGED) is matched on its dedupe key: still firing → refreshed,
// not firing → resolved (acknowledged or not; an alert no rule produces any more resolves too).
// Firing with no live alert → a new alert, even when an earlier one for the same key was
// resolved: a problem that comes back is a new alert.

export interface LiveAlert {
  /** Decimal string of the bigint id. */
  id: string;
  dedupeKey: string;
}

export interface AlertChanges {
  open: FiringAlert[];
  refresh: { id: string; alert: FiringAlert }[];
  resolve: string[];
}

export function diffAlerts(firing: readonly FiringAlert[], live: readonly LiveAlert[]): AlertChanges {
  const byKey = new Map<string, FiringAlert>();
  // One alert per key: should two rules ever produce the same key, the first wins.
  for (const alert of firing) if (!byKey.has(alert.dedupeKey)) byKey.set(alert.dedupeKey, alert);
  const liveKeys = new Set(live.map((a) => a.dedupeKey));
  const refresh: AlertChanges["refresh"] = [];
  const resolve: string[] = [];
  for (const current of live) {
    const alert = byKey.get(current.dedupeKey);
    if (alert) refresh.push({ id: current.id, alert });
    else resolve.push(current.id);
  }
  return { open: [...byKey.values()].filter((a) => !liveKeys.has(a.dedupeKey)), refresh, resolve };
}
