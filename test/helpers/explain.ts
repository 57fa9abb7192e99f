import type pg from "pg";

// EXPLAIN plans as a flat list of nodes, for tests that assert which indexes a query uses.

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)];
}

/** Every node of the plan Postgres picks for `sql` (not executed). */
export async function planOf(db: pg.Pool | pg.Client, sql: { text: string; values?: unknown[] }): Promise<PlanNode[]> {
  const result = await db.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.values);
  const plan = result.rows[0]?.["QUERY PLAN"][0].Plan;
  if (!plan) throw new Error("EXPLAIN returned no plan");
  return nodes(plan);
}
