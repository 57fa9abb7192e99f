-- AlterTable
ALTER TABLE "event" ADD COLUMN     "location_coarsened_at" TIMESTAMPTZ(3),
ADD COLUMN     "stale_signals" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "alert" (
    "id" BIGSERIAL NOT NULL,
    "rule" TEXT NOT NULL,
    "subject" TEXT NOT NULL DEFAULT '',
    "dedupe_key" TEXT NOT NULL,
    "open_key" TEXT,
    "state" TEXT NOT NULL DEFAULT 'OPEN',
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "notified_at" TIMESTAMPTZ(3),
    "notify_error" TEXT,

    CONSTRAINT "alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outage_window" (
    "id" BIGSERIAL NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "mode" TEXT NOT NULL,
    "refused" INTEGER NOT NULL DEFAULT 0,
    "spooled" INTEGER NOT NULL DEFAULT 0,
    "replayed" INTEGER NOT NULL DEFAULT 0,
    "instance" TEXT NOT NULL,

    CONSTRAINT "outage_window_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "maintenance_state" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "maintenance_state_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_open_key_key" ON "alert"("open_key");

-- CreateIndex
CREATE INDEX "alert_state_opened_at_idx" ON "alert"("state", "opened_at" DESC);

-- CreateIndex
CREATE INDEX "alert_opened_at_idx" ON "alert"("opened_at" DESC);

-- CreateIndex
CREATE INDEX "outage_window_started_at_idx" ON "outage_window"("started_at" DESC);
