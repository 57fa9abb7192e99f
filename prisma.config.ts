import { defineConfig } from "prisma/config";

// The CLI reads DATABASE_URL only for commands that touch a database (migrate deploy);
// `prisma generate` needs none. The app itself resolves the URL in lib/db/url.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
