-- Which executor process holds a run's lease, so that the runs of a worker known to have died are
-- taken back at once instead of when their lease expires (EXECUTOR_LEASE_MS, 30 s by default).
-- A nullable column without a default: no table rewrite.
ALTER TABLE "executor_run" ADD COLUMN "lease_owner" TEXT;
