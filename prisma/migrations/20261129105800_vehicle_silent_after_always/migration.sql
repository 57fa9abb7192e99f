-- The silence deadline must follow every write, also bulk loads and replicas that run with
-- session_replication_role = replica (which skips ordinary triggers).
ALTER TABLE "vehicle" ENABLE ALWAYS TRIGGER vehicle_silent_after;
