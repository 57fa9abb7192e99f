// npm run build, second step: bundles the executor worker into the Next build's directory
// (lib/runtime/worker-bundle.ts). `npm start` does it by itself when the bundle is missing.
import { buildWorkerBundle, nextDistDir } from "@/lib/runtime/worker-bundle";

buildWorkerBundle(nextDistDir())
  .then((file) => console.log(`worker bundle: ${file}`))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
