// Event names and payloads (API.md §2). Renaming one orphans in-flight runs.
export const SMARTCAR_EVENT_RECEIVED = "smartcar/event.received";

export interface SmartcarEventReceivedData {
  eventId: string;
  vehicleId: string | null;
}
