// What the simulated fleet is made of: Smartcar signal names, vehicle models with plausible
// physics, and home regions. Figures are public ballpark specs (usable battery, consumption,
// charging power), close enough for believable curves, not for range planning.

/** Smartcar signal code → [group, name], as they appear in webhook payloads (CONTRACT.md §2). */
export const SIGNALS = {
  "tractionbattery-stateofcharge": ["TractionBattery", "StateOfCharge"],
  "tractionbattery-range": ["TractionBattery", "Range"],
  "tractionbattery-nominalcapacity": ["TractionBattery", "NominalCapacity"],
  "charge-ischarging": ["Charge", "IsCharging"],
  "charge-ischargingcableconnected": ["Charge", "IsChargingCableConnected"],
  "charge-detailedchargingstatus": ["Charge", "DetailedChargingStatus"],
  "charge-voltage": ["Charge", "Voltage"],
  "charge-amperage": ["Charge", "Amperage"],
  "charge-wattage": ["Charge", "Wattage"],
  "charge-energyadded": ["Charge", "EnergyAdded"],
  "charge-timetocomplete": ["Charge", "TimeToComplete"],
  "charge-chargerate": ["Charge", "ChargeRate"],
  "charge-chargelimits": ["Charge", "ChargeLimits"],
  "charge-chargetimers": ["Charge", "ChargeTimers"],
  "internalcombustionengine-fuellevel": ["InternalCombustionEngine", "FuelLevel"],
  "odometer-traveleddistance": ["Odometer", "TraveledDistance"],
  "location-preciselocation": ["Location", "PreciseLocation"],
  "location-isathome": ["Location", "IsAtHome"],
  "closure-islocked": ["Closure", "IsLocked"],
  "closure-doors": ["Closure", "Doors"],
  "closure-windows": ["Closure", "Windows"],
  "closure-fronttrunk": ["Closure", "FrontTrunk"],
  "closure-reartrunk": ["Closure", "RearTrunk"],
  "wheel-tires": ["Wheel", "Tires"],
  "lowvoltagebattery-stateofcharge": ["LowVoltageBattery", "StateOfCharge"],
  "lowvoltagebattery-status": ["LowVoltageBattery", "Status"],
  "connectivitystatus-isonline": ["ConnectivityStatus", "IsOnline"],
  "connectivitystatus-isasleep": ["ConnectivityStatus", "IsAsleep"],
  "vehicleidentification-vin": ["VehicleIdentification", "Vin"],
  "vehicleidentification-nickname": ["VehicleIdentification", "Nickname"],
  "connectivitysoftware-currentfirmwareversion": ["ConnectivitySoftware", "CurrentFirmwareVersion"],
} as const satisfies Record<string, readonly [string, string]>;

export type SignalCode = keyof typeof SIGNALS;

export interface SignalName {
  code: SignalCode;
  name: string;
  group: string;
}

// Memoised: every payload names each signal, so this sits on the generator's hot path.
const NAMES = new Map<SignalCode, Readonly<SignalName>>();

export function signalName(code: SignalCode): Readonly<SignalName> {
  let known = NAMES.get(code);
  if (!known) {
    const [group, name] = SIGNALS[code];
    known = Object.freeze({ code, name, group });
    NAMES.set(code, known);
  }
  return known;
}

export type Powertrain = "BEV" | "PHEV" | "ICE";

const BODY_AND_CABIN: SignalCode[] = [
  "odometer-traveleddistance",
  "location-preciselocation",
  "location-isathome",
  "closure-islocked",
  "closure-doors",
  "closure-windows",
  "closure-reartrunk",
  "wheel-tires",
  "lowvoltagebattery-stateofcharge",
  "lowvoltagebattery-status",
  "connectivitystatus-isonline",
  "connectivitystatus-isasleep",
  "vehicleidentification-vin",
  "vehicleidentification-nickname",
  "connectivitysoftware-currentfirmwareversion",
];

const BATTERY_AND_CHARGING: SignalCode[] = [
  "tractionbattery-stateofcharge",
  "tractionbattery-range",
  "tractionbattery-nominalcapacity",
  "charge-ischarging",
  "charge-ischargingcableconnected",
  "charge-detailedchargingstatus",
  "charge-voltage",
  "charge-amperage",
  "charge-wattage",
  "charge-energyadded",
  "charge-timetocomplete",
  "charge-chargelimits",
];

/** Every signal an app subscribes to for this powertrain, before a model's own gaps. */
export function subscribedSignals(powertrain: Powertrain, hasFrunk: boolean): SignalCode[] {
  const ev: SignalCode[] = powertrain === "ICE" ? [] : [...BATTERY_AND_CHARGING];
  if (powertrain === "BEV") ev.push("charge-chargerate", "charge-chargetimers");
  const fuel: SignalCode[] = powertrain === "BEV" ? [] : ["internalcombustionengine-fuellevel"];
  const frunk: SignalCode[] = hasFrunk ? ["closure-fronttrunk"] : [];
  return [...ev, ...fuel, ...BODY_AND_CABIN, ...frunk];
}

export interface ModelSpec {
  /** As Smartcar spells it in data.vehicle.make. */
  make: string;
  model: string;
  years: readonly [number, number];
  powertrain: Powertrain;
  /** Usable traction battery (kWh) and consumption (kWh/km); 0 for ICE. */
  batteryKwh: number;
  kwhPerKm: number;
  /** Fuel tank (litres) and consumption (l/100 km); 0 for BEV. */
  tankLitres: number;
  litresPer100Km: number;
  maxAcKw: number;
  maxDcKw: number;
  hasFrunk: boolean;
  /** First 8 VIN characters (manufacturer + descriptor). */
  vinPrefix: string;
  firmware: string;
  /** Signals this model cannot deliver: Smartcar answers COMPATIBILITY / VEHICLE_NOT_CAPABLE. */
  notCapable: readonly SignalCode[];
  /** Seconds between webhooks while driving, charging and parked: OEM clouds differ a lot. */
  cadenceS: { driving: number; charging: number; parked: number };
}

const bev = (spec: Omit<ModelSpec, "powertrain" | "tankLitres" | "litresPer100Km">): ModelSpec => ({
  ...spec,
  powertrain: "BEV",
  tankLitres: 0,
  litresPer100Km: 0,
});

export const MODELS: readonly ModelSpec[] = [
  bev({ make: "TESLA", model: "Model 3", years: [2019, 2024], batteryKwh: 75, kwhPerKm: 0.15, maxAcKw: 11, maxDcKw: 170, hasFrunk: true, vinPrefix: "5YJ3E1EA", firmware: "2024.26.7", notCapable: ["location-isathome"], cadenceS: { driving: 60, charging: 240, parked: 1200 } }),
  bev({ make: "TESLA", model: "Model Y", years: [2021, 2025], batteryKwh: 75, kwhPerKm: 0.165, maxAcKw: 11, maxDcKw: 250, hasFrunk: true, vinPrefix: "7SAYGDEE", firmware: "2024.32.3", notCapable: ["location-isathome"], cadenceS: { driving: 60, charging: 240, parked: 1200 } }),
  bev({ make: "VOLKSWAGEN", model: "ID.4", years: [2021, 2024], batteryKwh: 77, kwhPerKm: 0.18, maxAcKw: 11, maxDcKw: 135, hasFrunk: false, vinPrefix: "WVGZZZE2", firmware: "3.5.1", notCapable: ["charge-chargerate"], cadenceS: { driving: 180, charging: 600, parked: 1800 } }),
  { make: "VOLKSWAGEN", model: "Golf", years: [2019, 2023], powertrain: "ICE", batteryKwh: 0, kwhPerKm: 0, tankLitres: 50, litresPer100Km: 5.8, maxAcKw: 0, maxDcKw: 0, hasFrunk: false, vinPrefix: "WVWZZZCD", firmware: "0614", notCapable: ["closure-windows"], cadenceS: { driving: 300, charging: 600, parked: 2700 } },
  bev({ make: "FORD", model: "Mustang Mach-E", years: [2021, 2024], batteryKwh: 91, kwhPerKm: 0.19, maxAcKw: 11, maxDcKw: 150, hasFrunk: true, vinPrefix: "3FMTK3SU", firmware: "SYNC 4A 22.10", notCapable: ["lowvoltagebattery-status"], cadenceS: { driving: 120, charging: 600, parked: 1800 } }),
  bev({ make: "FORD", model: "F-150 Lightning", years: [2022, 2024], batteryKwh: 131, kwhPerKm: 0.28, maxAcKw: 19.2, maxDcKw: 150, hasFrunk: true, vinPrefix: "1FTVW1EL", firmware: "SYNC 4 23.02", notCapable: ["closure-windows"], cadenceS: { driving: 120, charging: 600, parked: 1800 } }),
  { make: "FORD", model: "Escape", years: [2021, 2023], powertrain: "PHEV", batteryKwh: 14.4, kwhPerKm: 0.2, tankLitres: 42, litresPer100Km: 6.2, maxAcKw: 3.3, maxDcKw: 0, hasFrunk: false, vinPrefix: "1FMCU0E1", firmware: "SYNC 3 3.4", notCapable: ["location-isathome"], cadenceS: { driving: 240, charging: 900, parked: 2700 } },
  { make: "FORD", model: "F-150", years: [2019, 2023], powertrain: "ICE", batteryKwh: 0, kwhPerKm: 0, tankLitres: 98, litresPer100Km: 12.4, maxAcKw: 0, maxDcKw: 0, hasFrunk: false, vinPrefix: "1FTFW1E5", firmware: "SYNC 3 3.4", notCapable: ["location-isathome"], cadenceS: { driving: 300, charging: 900, parked: 3600 } },
  bev({ make: "HYUNDAI", model: "IONIQ 5", years: [2022, 2025], batteryKwh: 77.4, kwhPerKm: 0.18, maxAcKw: 11, maxDcKw: 230, hasFrunk: true, vinPrefix: "KM8KRDAF", firmware: "B1.3", notCapable: ["charge-chargetimers"], cadenceS: { driving: 120, charging: 300, parked: 1800 } }),
  { make: "HYUNDAI", model: "Tucson", years: [2022, 2024], powertrain: "PHEV", batteryKwh: 13.8, kwhPerKm: 0.21, tankLitres: 42, litresPer100Km: 6.6, maxAcKw: 7.2, maxDcKw: 0, hasFrunk: false, vinPrefix: "KM8JECA1", firmware: "B0.9", notCapable: [], cadenceS: { driving: 180, charging: 600, parked: 2400 } },
  bev({ make: "BMW", model: "i4", years: [2022, 2025], batteryKwh: 81, kwhPerKm: 0.17, maxAcKw: 11, maxDcKw: 205, hasFrunk: false, vinPrefix: "WBY73AW0", firmware: "24-07-540", notCapable: [], cadenceS: { driving: 90, charging: 300, parked: 1500 } }),
  { make: "BMW", model: "X5", years: [2024, 2025], powertrain: "PHEV", batteryKwh: 25.7, kwhPerKm: 0.24, tankLitres: 69, litresPer100Km: 9.2, maxAcKw: 7.4, maxDcKw: 0, hasFrunk: false, vinPrefix: "5UX43EU0", firmware: "24-03-530", notCapable: [], cadenceS: { driving: 90, charging: 300, parked: 1500 } },
  { make: "BMW", model: "330i", years: [2019, 2023], powertrain: "ICE", batteryKwh: 0, kwhPerKm: 0, tankLitres: 59, litresPer100Km: 7.1, maxAcKw: 0, maxDcKw: 0, hasFrunk: false, vinPrefix: "3MW5R1J0", firmware: "21-11-520", notCapable: [], cadenceS: { driving: 120, charging: 600, parked: 1800 } },
  bev({ make: "KIA", model: "EV6", years: [2022, 2024], batteryKwh: 77.4, kwhPerKm: 0.18, maxAcKw: 11, maxDcKw: 230, hasFrunk: true, vinPrefix: "KNDC4DLC", firmware: "CV1.4", notCapable: ["charge-chargetimers"], cadenceS: { driving: 120, charging: 300, parked: 1800 } }),
  bev({ make: "CHEVROLET", model: "Bolt EV", years: [2020, 2023], batteryKwh: 65, kwhPerKm: 0.16, maxAcKw: 11.5, maxDcKw: 55, hasFrunk: false, vinPrefix: "1G1FY6S0", firmware: "OnStar 4G", notCapable: ["closure-windows", "location-isathome"], cadenceS: { driving: 240, charging: 900, parked: 3600 } }),
  { make: "TOYOTA", model: "RAV4 Prime", years: [2021, 2024], powertrain: "PHEV", batteryKwh: 18.1, kwhPerKm: 0.2, tankLitres: 55, litresPer100Km: 6.0, maxAcKw: 6.6, maxDcKw: 0, hasFrunk: false, vinPrefix: "JTMFB3FV", firmware: "23.1", notCapable: ["lowvoltagebattery-stateofcharge"], cadenceS: { driving: 300, charging: 900, parked: 3600 } },
  bev({ make: "RIVIAN", model: "R1S", years: [2022, 2025], batteryKwh: 135, kwhPerKm: 0.25, maxAcKw: 11.5, maxDcKw: 220, hasFrunk: true, vinPrefix: "7PDSGABA", firmware: "2024.31.0", notCapable: [], cadenceS: { driving: 60, charging: 300, parked: 1200 } }),
];

export interface Region {
  city: string;
  lat: number;
  lon: number;
  /** Home charger: volts per phase, amps, phases (EU wallboxes are 3-phase, US ones single-phase 240 V). */
  homeCharger: { volts: number; amps: number; phases: number };
}

export const REGIONS: readonly Region[] = [
  { city: "Munich", lat: 48.1374, lon: 11.5755, homeCharger: { volts: 230, amps: 16, phases: 3 } },
  { city: "Berlin", lat: 52.52, lon: 13.405, homeCharger: { volts: 230, amps: 16, phases: 3 } },
  { city: "Amsterdam", lat: 52.3676, lon: 4.9041, homeCharger: { volts: 230, amps: 16, phases: 3 } },
  { city: "Oslo", lat: 59.9139, lon: 10.7522, homeCharger: { volts: 230, amps: 32, phases: 1 } },
  { city: "San Francisco", lat: 37.7749, lon: -122.4194, homeCharger: { volts: 240, amps: 40, phases: 1 } },
  { city: "Austin", lat: 30.2672, lon: -97.7431, homeCharger: { volts: 240, amps: 48, phases: 1 } },
  { city: "Detroit", lat: 42.3314, lon: -83.0458, homeCharger: { volts: 240, amps: 32, phases: 1 } },
  { city: "Toronto", lat: 43.6532, lon: -79.3832, homeCharger: { volts: 240, amps: 32, phases: 1 } },
];

export const NICKNAMES = ["Daily driver", "Family car", "Commuter", "Blue one", "Road trip", "Work truck", "Weekend car", "Sparky"] as const;
