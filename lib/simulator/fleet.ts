// The fleet's identities: who the vehicles are, not what they are doing. A vehicle depends only on
// (seed, index), so every run with the same seed talks about the same cars, and `--vehicles 20`
// starts with the same ten cars as `--vehicles 10`.
import { MODELS, NICKNAMES, REGIONS, subscribedSignals, type ModelSpec, type Region, type SignalCode } from "./catalog";
import { deterministicUuid, rngFor, type Rng } from "./random";

export type PayloadShape = "docs" | "real";

export interface VehicleProfile {
  index: number;
  vehicleId: string;
  userId: string;
  spec: ModelSpec;
  /** Signals the app subscribed to for this vehicle, in payload order. */
  signals: readonly SignalCode[];
  /** Subscribed signals this vehicle cannot deliver (COMPATIBILITY failures when a scenario shows them). */
  notCapable: readonly SignalCode[];
  year: number;
  vin: string;
  nickname: string;
  region: Region;
  home: { lat: number; lon: number };
  /** Odometer when the simulation starts (km). */
  initialOdometerKm: number;
  /** Vehicles reach us through different webhooks; each webhook sends one of the two shapes. */
  shape: PayloadShape;
}

/**
 * `full-ev`: battery-electric models with every one of the 30 signals working — the benchmark's
 * 6–8 KB bodies. `mixed`: the whole catalogue, gaps included.
 */
export type FleetKind = "mixed" | "full-ev";

export interface FleetOptions {
  seed: string;
  vehicles: number;
  kind?: FleetKind;
}

// Vehicle ages are measured against a fixed year, not the clock, so a seed always means the same odometers.
const REFERENCE_YEAR = 2026;
const VIN_CHARS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
const MODEL_YEAR_CODES: Record<number, string> = { 2019: "K", 2020: "L", 2021: "M", 2022: "N", 2023: "P", 2024: "R", 2025: "S" };

export function createFleet({ seed, vehicles, kind = "mixed" }: FleetOptions): VehicleProfile[] {
  const models = modelOrder(seed, kind);
  return Array.from({ length: vehicles }, (_, index) => {
    const spec = models[index % models.length];
    if (!spec) throw new Error("the model catalogue is empty");
    return createVehicle(seed, index, spec, kind);
  });
}

// A seeded round-robin over the catalogue instead of independent picks: five vehicles are five
// different models, so even a small fleet shows several makes and powertrains.
function modelOrder(seed: string, kind: FleetKind): ModelSpec[] {
  const candidates = kind === "full-ev" ? MODELS.filter((m) => m.powertrain === "BEV" && m.hasFrunk) : MODELS;
  const rng = rngFor(seed, "model-order", kind);
  return candidates
    .map((model) => ({ model, key: rng.next() }))
    .sort((a, b) => a.key - b.key)
    .map(({ model }) => model);
}

function createVehicle(seed: string, index: number, spec: ModelSpec, kind: FleetKind): VehicleProfile {
  const rng = rngFor(seed, "vehicle", index);
  const year = rng.int(spec.years[0], spec.years[1]);
  const region = rng.pick(REGIONS);
  const annualKm = Math.round(rng.float(8_000, 24_000));
  const ageYears = Math.max(0.2, REFERENCE_YEAR - year + rng.float(-0.5, 0.5));
  return {
    index,
    vehicleId: deterministicUuid(seed, "vehicle", index),
    // Owners with two cars are common in fleets of households.
    userId: deterministicUuid(seed, "user", Math.floor(index / rng.int(1, 2))),
    spec,
    signals: subscribedSignals(spec.powertrain, spec.hasFrunk),
    notCapable: kind === "full-ev" ? [] : spec.notCapable,
    year,
    vin: vin(rng, spec, year),
    nickname: rng.pick(NICKNAMES),
    region,
    // Homes spread over ~10 km around the city centre.
    home: { lat: round(region.lat + rng.float(-0.09, 0.09), 5), lon: round(region.lon + rng.float(-0.12, 0.12), 5) },
    initialOdometerKm: round(annualKm * ageYears, 1),
    shape: rng.chance(0.5) ? "docs" : "real",
  };
}

function vin(rng: Rng, spec: ModelSpec, year: number): string {
  const checkDigit = rng.pick([..."0123456789X"]);
  const plant = rng.pick([..."ABCFNPRS"]);
  const serial = String(rng.int(100_000, 999_999));
  const yearCode = MODEL_YEAR_CODES[year] ?? rng.pick([...VIN_CHARS]);
  return `${spec.vinPrefix}${checkDigit}${yearCode}${plant}${serial}`;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
