import { z } from "zod";
import type { DeliveryToStore } from "@/lib/ingest/store-event";

// One spooled delivery = one line of JSON: exactly the row the receiver would have stored
// (lib/ingest/store-event.ts), with the receipt time fixed, so a replay stores what the receiver
// would have stored at that moment. JSON.stringify escapes every control character, so a line
// never contains a raw newline and "\n" can end each entry.

export type SpooledDelivery = DeliveryToStore & { receivedAt: Date };

const entrySchema = z.object({
  v: z.literal(1),
  eventId: z.string().min(1),
  eventType: z.string(),
  vehicleId: z.string().nullable(),
  userId: z.string().nullable(),
  mode: z.string().nullable(),
  rawBody: z.string(),
  bodyBytes: z.number().int().nonnegative(),
  deliveryId: z.string().nullable(),
  deliveredAt: z.number().nullable(),
  tokenSlot: z.enum(["current", "previous"]),
  userAgent: z.string().nullable(),
  /** Epoch milliseconds. */
  receivedAt: z.number().int(),
});

const NEWLINE = 0x0a;

export function encodeEntry(d: SpooledDelivery): Buffer {
  const entry: z.infer<typeof entrySchema> = {
    v: 1,
    eventId: d.eventId,
    eventType: d.eventType,
    vehicleId: d.vehicleId,
    userId: d.userId,
    mode: d.mode,
    rawBody: d.rawBody,
    bodyBytes: d.bodyBytes,
    deliveryId: d.deliveryId,
    deliveredAt: d.deliveredAt,
    tokenSlot: d.tokenSlot,
    userAgent: d.userAgent,
    receivedAt: d.receivedAt.getTime(),
  };
  return Buffer.from(`${JSON.stringify(entry)}\n`, "utf8");
}

export interface DecodedSegment {
  entries: SpooledDelivery[];
  /**
   * Lines that are not a whole entry: the tail of a write cut off by a crash (never acknowledged,
   * since the answer waits for fsync), or anything else unreadable. Skipped, never fatal.
   */
  torn: number;
}

/** Every whole entry of a segment file, in append order. */
export function decodeSegment(bytes: Buffer): DecodedSegment {
  const entries: SpooledDelivery[] = [];
  let torn = 0;
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(NEWLINE, start);
    if (end === -1) {
      // No terminating newline: the append never completed.
      torn += 1;
      break;
    }
    const entry = decodeLine(bytes.subarray(start, end));
    if (entry) entries.push(entry);
    else if (end > start) torn += 1;
    start = end + 1;
  }
  return { entries, torn };
}

function decodeLine(line: Buffer): SpooledDelivery | null {
  let json: unknown;
  try {
    json = JSON.parse(line.toString("utf8"));
  } catch {
    return null;
  }
  const parsed = entrySchema.safeParse(json);
  if (!parsed.success) return null;
  const { v: _version, receivedAt, ...delivery } = parsed.data;
  return { ...delivery, receivedAt: new Date(receivedAt) };
}
