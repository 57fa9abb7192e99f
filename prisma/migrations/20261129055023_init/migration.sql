-- CreateEnum
CREATE TYPE "EventStatus" AS ENUM ('PENDING', 'PROCESSING', 'PROCESSED', 'DEAD_LETTERED');

-- CreateEnum
CREATE TYPE "SignalStatus" AS ENUM ('OK', 'ERROR', 'UNSUPPORTED');

-- CreateEnum
CREATE TYPE "ExecutorRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "event" (
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "vehicle_id" TEXT,
    "user_id" TEXT,
    "mode" TEXT,
    "raw_body" TEXT,
    "body_bytes" INTEGER NOT NULL,
    "status" "EventStatus" NOT NULL DEFAULT 'PENDING',
    "outcome" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "first_delivered_at" TIMESTAMPTZ(3),
    "dispatched_at" TIMESTAMPTZ(3),
    "sweeps" INTEGER NOT NULL DEFAULT 0,
    "processed_at" TIMESTAMPTZ(3),
    "delivery_count" INTEGER NOT NULL DEFAULT 1,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "redrives" INTEGER NOT NULL DEFAULT 0,
    "signals_applied" INTEGER NOT NULL DEFAULT 0,
    "signals_stale" INTEGER NOT NULL DEFAULT 0,
    "signals_failed" INTEGER NOT NULL DEFAULT 0,
    "error_reason" TEXT,
    "error_message" TEXT,
    "error_at" TIMESTAMPTZ(3),
    "payload_purged_at" TIMESTAMPTZ(3),

    CONSTRAINT "event_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" BIGSERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "delivery_id" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duplicate" BOOLEAN NOT NULL DEFAULT false,
    "token_slot" TEXT NOT NULL,
    "body_bytes" INTEGER NOT NULL,
    "user_agent" TEXT,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rejected_delivery" (
    "id" BIGSERIAL NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reason" TEXT NOT NULL,
    "http_status" INTEGER NOT NULL,
    "body_bytes" INTEGER NOT NULL,
    "body_sha256" TEXT NOT NULL,
    "body_head" TEXT NOT NULL,
    "body" BYTEA,
    "body_expires_at" TIMESTAMPTZ(3),
    "headers" JSONB NOT NULL,
    "tokens_tried" TEXT[],
    "released_at" TIMESTAMPTZ(3),
    "released_event_id" TEXT,

    CONSTRAINT "rejected_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "processing_attempt" (
    "id" BIGSERIAL NOT NULL,
    "event_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "run_id" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "result" TEXT NOT NULL,
    "outcome" TEXT,
    "error" TEXT,
    "stack" TEXT,

    CONSTRAINT "processing_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vehicle" (
    "vehicle_id" TEXT NOT NULL,
    "user_id" TEXT,
    "make" TEXT,
    "model" TEXT,
    "year" INTEGER,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3),
    "recent_gaps" INTEGER[],
    "needs_reauth" BOOLEAN NOT NULL DEFAULT false,
    "reauth_at" TIMESTAMPTZ(3),

    CONSTRAINT "vehicle_pkey" PRIMARY KEY ("vehicle_id")
);

-- CreateTable
CREATE TABLE "vehicle_signal" (
    "vehicle_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT,
    "signal_group" TEXT,
    "status" "SignalStatus" NOT NULL,
    "body" JSONB,
    "unit" TEXT,
    "oem_updated_at" TIMESTAMPTZ(3),
    "retrieved_at" TIMESTAMPTZ(3),
    "key_at" TIMESTAMPTZ(3) NOT NULL,
    "key_tie" TIMESTAMPTZ(3) NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "error_type" TEXT,
    "error_code" TEXT,
    "event_id" TEXT NOT NULL,

    CONSTRAINT "vehicle_signal_pkey" PRIMARY KEY ("vehicle_id","code")
);

-- CreateTable
CREATE TABLE "signal_reading" (
    "vehicle_id" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION,
    "body" JSONB,
    "event_id" TEXT NOT NULL,

    CONSTRAINT "signal_reading_pkey" PRIMARY KEY ("vehicle_id","code","at")
);

-- CreateTable
CREATE TABLE "vehicle_condition" (
    "vehicle_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "code" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL,
    "description" TEXT,
    "resolution_type" TEXT,
    "signals" TEXT[],
    "opened_at" TIMESTAMPTZ(3),
    "resolved_at" TIMESTAMPTZ(3),
    "state_at" TIMESTAMPTZ(3) NOT NULL,
    "last_event_id" TEXT NOT NULL,
    "last_reported_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "vehicle_condition_pkey" PRIMARY KEY ("vehicle_id","type","code")
);

-- CreateTable
CREATE TABLE "api_token" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_token_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "executor_run" (
    "run_id" UUID NOT NULL,
    "event_key" TEXT NOT NULL,
    "fn_id" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "concurrency_key" TEXT,
    "status" "ExecutorRunStatus" NOT NULL DEFAULT 'QUEUED',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '{}',
    "run_after" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "executor_run_pkey" PRIMARY KEY ("run_id")
);

-- CreateTable
CREATE TABLE "executor_cron" (
    "fn_id" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "executor_cron_pkey" PRIMARY KEY ("fn_id")
);

-- CreateIndex
CREATE INDEX "event_received_at_event_id_idx" ON "event"("received_at" DESC, "event_id" DESC);

-- CreateIndex
CREATE INDEX "event_vehicle_id_received_at_idx" ON "event"("vehicle_id", "received_at" DESC);

-- CreateIndex
CREATE INDEX "event_status_received_at_idx" ON "event"("status", "received_at" DESC);

-- CreateIndex
CREATE INDEX "event_event_type_received_at_idx" ON "event"("event_type", "received_at" DESC);

-- CreateIndex
CREATE INDEX "delivery_event_id_received_at_idx" ON "delivery"("event_id", "received_at");

-- CreateIndex
CREATE INDEX "delivery_delivery_id_idx" ON "delivery"("delivery_id");

-- CreateIndex
CREATE INDEX "rejected_delivery_received_at_idx" ON "rejected_delivery"("received_at" DESC);

-- CreateIndex
CREATE INDEX "rejected_delivery_reason_received_at_idx" ON "rejected_delivery"("reason", "received_at" DESC);

-- CreateIndex
CREATE INDEX "processing_attempt_event_id_started_at_idx" ON "processing_attempt"("event_id", "started_at");

-- CreateIndex
CREATE INDEX "vehicle_last_seen_at_idx" ON "vehicle"("last_seen_at" DESC);

-- CreateIndex
CREATE INDEX "vehicle_condition_state_vehicle_id_idx" ON "vehicle_condition"("state", "vehicle_id");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_name_key" ON "api_token"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_token_token_hash_key" ON "api_token"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "executor_run_event_key_key" ON "executor_run"("event_key");

-- CreateIndex
CREATE INDEX "executor_run_status_run_after_idx" ON "executor_run"("status", "run_after");

-- CreateIndex
CREATE INDEX "executor_run_status_lease_until_idx" ON "executor_run"("status", "lease_until");

-- CreateIndex
CREATE INDEX "executor_run_concurrency_key_status_idx" ON "executor_run"("concurrency_key", "status");

-- AddForeignKey
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("event_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "processing_attempt" ADD CONSTRAINT "processing_attempt_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("event_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vehicle_signal" ADD CONSTRAINT "vehicle_signal_vehicle_id_fkey" FOREIGN KEY ("vehicle_id") REFERENCES "vehicle"("vehicle_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vehicle_condition" ADD CONSTRAINT "vehicle_condition_vehicle_id_fkey" FOREIGN KEY ("vehicle_id") REFERENCES "vehicle"("vehicle_id") ON DELETE CASCADE ON UPDATE CASCADE;
