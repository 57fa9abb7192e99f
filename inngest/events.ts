// Event names and payloads (API.md §2). Renaming one orphans in-flight runs.
export const SMARTCAR_EVENT_RECEIVED = "smartcar/event.received";

export interface SmartcarEventReceivedData {
  eventId: string;
  vehicleId: string | null;
}

// A bulk re-drive job (POST /api/v1/redrive) to run: its event ids are fixed in redrive_job.
export const SMARTCAR_REDRIVE_REQUESTED = "smartcar/redrive.requested";

export interface SmartcarRedriveRequestedData {
  jobId: string;
}
