// Signal bodies as Smartcar sends them (CONTRACT.md §2 "Common bodies"), read off a vehicle's
// physical state. Charging fields are derived from one power figure so they always agree:
// not charging ⇒ 0 A / 0 W; charging ⇒ W = V × A × phases.
import type { SignalCode } from "./catalog";
import type { VehicleProfile } from "./fleet";
import { chargePowerKw, isCharging, minutesToLimit, type VehicleState } from "./vehicle-life";

type Body = Record<string, unknown>;
type BodyOf = (state: VehicleState, profile: VehicleProfile) => Body;

const COMPASS = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"] as const;

// Front-left, front-right, rear-left, rear-right. Bodies are built as literals (no spreads):
// fixed object shapes keep JSON.stringify fast, and the generator stringifies every body.
const CELLS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
] as const;

function chargeStatus(state: VehicleState): "CHARGING" | "FULLY_CHARGED" | "NOT_CHARGING" {
  if (isCharging(state)) return "CHARGING";
  return state.session ? "FULLY_CHARGED" : "NOT_CHARGING";
}

function chargeCurrent(state: VehicleState): { volts: number; amps: number; watts: number } {
  const kw = chargePowerKw(state);
  const session = state.session;
  if (!session || kw === 0) return { volts: 0, amps: 0, watts: 0 };
  // At the very end of a taper the current is below 1 A, but a charging car never reports 0 A.
  const amps = Math.max(1, Math.round((kw * 1000) / (session.volts * session.phases)));
  return { volts: session.volts, amps, watts: session.volts * amps * session.phases };
}

const BODIES: Record<SignalCode, BodyOf> = {
  "tractionbattery-stateofcharge": (s) => ({ unit: "percent", value: Math.round(s.soc ?? 0) }),
  "tractionbattery-range": (s, p) => ({
    unit: "km",
    value: Math.round((((s.soc ?? 0) / 100) * p.spec.batteryKwh) / p.spec.kwhPerKm),
    additionalValues: [],
  }),
  "tractionbattery-nominalcapacity": (_s, p) => ({
    capacity: p.spec.batteryKwh,
    source: "OEM",
    availableCapacities: [{ capacity: p.spec.batteryKwh, description: null }],
    unit: "kWh",
  }),
  "charge-ischarging": (s) => ({ value: isCharging(s) }),
  "charge-ischargingcableconnected": (s) => ({ value: s.session !== null }),
  "charge-detailedchargingstatus": (s) => ({ value: chargeStatus(s) }),
  "charge-voltage": (s) => ({ unit: "volts", value: chargeCurrent(s).volts }),
  "charge-amperage": (s) => ({ unit: "ampere", value: chargeCurrent(s).amps }),
  "charge-wattage": (s) => ({ unit: "watts", value: chargeCurrent(s).watts }),
  "charge-energyadded": (s) => ({ unit: "kWh", value: Math.round(s.energyAddedKwh * 100) / 100 }),
  "charge-timetocomplete": (s) => ({ unit: "minutes", value: Math.round(minutesToLimit(s)) }),
  "charge-chargerate": (s, p) => ({ unit: "km/h", value: Math.round(chargeCurrent(s).watts / 1000 / p.spec.kwhPerKm) }),
  "charge-chargelimits": (s, p) => ({
    values: [
      { type: "GLOBAL", limit: s.chargeLimit, condition: null },
      { type: "LOCATION", limit: 100, condition: { latitude: p.home.lat, longitude: p.home.lon, radius: 100 } },
    ],
    activeLimit: s.chargeLimit,
    unit: "percent",
  }),
  "charge-chargetimers": () => ({
    values: [
      { type: "DEPARTURE", enabled: true, days: ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY"], time: "07:30" },
      { type: "OFF_PEAK", enabled: false, startTime: "23:00", endTime: "06:00" },
    ],
  }),
  "internalcombustionengine-fuellevel": (s) => ({ unit: "percent", value: Math.round(s.fuel ?? 0) }),
  "odometer-traveleddistance": (s) => ({ unit: "km", value: Math.round(s.odometerKm * 10) / 10 }),
  "location-preciselocation": (s) => ({
    latitude: Math.round(s.position.lat * 1e5) / 1e5,
    longitude: Math.round(s.position.lon * 1e5) / 1e5,
    heading: s.heading,
    direction: COMPASS[Math.round(s.heading / 45) % 8],
    locationType: s.trip ? "CURRENT" : "LAST_PARKED",
  }),
  "location-isathome": (s) => ({ value: s.atHome && s.trip === null }),
  "closure-islocked": (s) => ({ value: s.locked }),
  "closure-doors": (s) => ({
    values: CELLS.map(([row, column]) => ({ row, column, isOpen: row === 0 && column === 0 && s.driverDoorOpen, isLocked: s.locked })),
    rowCount: 2,
    columnCount: 2,
  }),
  "closure-windows": (s) => ({ values: CELLS.map(([row, column]) => ({ row, column, isOpen: row === 0 && s.windowOpen })), rowCount: 2, columnCount: 2 }),
  "closure-fronttrunk": (s) => ({ isOpen: false, isLocked: s.locked }),
  "closure-reartrunk": (s) => ({ isOpen: false, isLocked: s.locked }),
  "wheel-tires": (s) => ({
    values: CELLS.map(([row, column], index) => ({ row, column, tirePressure: Math.round((s.tiresKpa[index] ?? 240) + 10 * s.tireWarmth) })),
    rowCount: 2,
    columnCount: 2,
    unit: "kPa",
  }),
  "lowvoltagebattery-stateofcharge": (s) => ({ unit: "percent", value: Math.round(s.lowVoltageSoc) }),
  "lowvoltagebattery-status": (s) => ({ value: s.lowVoltageSoc >= 70 ? "GOOD" : s.lowVoltageSoc >= 50 ? "WARN" : "BAD" }),
  "connectivitystatus-isonline": () => ({ value: true }),
  "connectivitystatus-isasleep": (s) => ({ value: s.asleep }),
  "vehicleidentification-vin": (_s, p) => ({ value: p.vin }),
  "vehicleidentification-nickname": (_s, p) => ({ value: p.nickname }),
  "connectivitysoftware-currentfirmwareversion": (_s, p) => ({ value: p.spec.firmware }),
};

export function signalBody(code: SignalCode, state: VehicleState, profile: VehicleProfile): Body {
  return BODIES[code](state, profile);
}

/** Signals whose value never changes in a vehicle's life here: their oemUpdatedAt lies days back. */
export const STATIC_SIGNALS: ReadonlySet<SignalCode> = new Set([
  "tractionbattery-nominalcapacity",
  "charge-chargetimers",
  "vehicleidentification-vin",
  "vehicleidentification-nickname",
  "connectivitysoftware-currentfirmwareversion",
]);
