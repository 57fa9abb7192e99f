/** "2021 TESLA Model 3", or the id's head when Smartcar sent no vehicle details. */
export function vehicleName(v: { vehicleId: string; make: string | null; model: string | null; year: number | null }): string {
  const parts = [v.year, v.make, v.model].filter((p) => p !== null && p !== "");
  return parts.length > 0 ? parts.join(" ") : `Vehicle ${v.vehicleId.slice(0, 8)}`;
}
