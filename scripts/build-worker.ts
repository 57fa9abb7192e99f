// npm run build, second step: bundles the executor worker into the Next build's directory
// (lib/runtime/worker-bundle.ts). `npm start` does it by itself when the bundle is missing.
import { buildWorkerBundle } from "@/lib/runtime/worker-bundle";

const distDir = process.env.NEXT_DIST_DIR || ".next";
buildWorkerBundle(distDir)
  .then((file) => console.log(`worker bundle: ${file}`))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
