// postinstall: generate the Prisma client. `prisma generate` first tries to download the schema
// engine binary, which it does not use for generating; offline that download fails, so point it
// at any existing file unless the user configured a real engine (PLATFORM.md).
import { spawnSync } from "node:child_process";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync(process.execPath, ["node_modules/prisma/build/index.js", "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
