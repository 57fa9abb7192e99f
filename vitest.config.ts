import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(__dirname) } },
  test: {
    environment: "node",
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files each start their own app and database; two at a time fits 2 cores.
    maxWorkers: 2,
    pool: "forks",
    // In-process code under test logs JSON lines; apps started by the tests keep their own level.
    env: { LOG_LEVEL: "silent" },
  },
});
