import type { TestProject } from "vitest/node";
import { findAdminDatabaseUrl } from "./postgres-server";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

// One Postgres server for the whole run: the machine's when it answers (or TEST_PG_ADMIN_URL),
// else an embedded one, so `npm test` also works where no Postgres is installed.
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await findAdminDatabaseUrl();
  project.provide("pgAdminUrl", server.adminUrl);
  return server.stop;
}
