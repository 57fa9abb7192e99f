-- DropIndex
DROP INDEX "executor_run_concurrency_key_status_idx";

-- AlterTable
ALTER TABLE "executor_run" ALTER COLUMN "steps" SET DEFAULT '[]';

-- CreateIndex
CREATE INDEX "executor_run_concurrency_key_status_run_after_idx" ON "executor_run"("concurrency_key", "status", "run_after");

-- CreateIndex
CREATE INDEX "executor_run_finished_at_idx" ON "executor_run"("finished_at");
