// @ts-check
// The benchmark's baselines (bench/README.md): a tiny Next app that shares the product's
// node_modules and hot-path modules but nothing else. Never part of the product build.

/** @type {import("next").NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  typescript: { ignoreBuildErrors: true },
  // As in the product: pg stays a plain Node require, not bundled.
  serverExternalPackages: ["pg"],
};

module.exports = nextConfig;
