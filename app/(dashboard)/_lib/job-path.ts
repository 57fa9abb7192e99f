import { eventFilterSchema } from "@/lib/dal/event-list";

/** The dead-letter page with the form's event-list filters and the bulk re-drive job to follow. */
export function jobPath(form: FormData, jobId: string): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(eventFilterSchema.shape)) {
    const value = form.get(key);
    if (key !== "status" && typeof value === "string" && value !== "") params.set(key, value);
  }
  params.set("job", jobId);
  return `/dead-letters?${params}`;
}
