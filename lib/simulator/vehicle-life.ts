// One vehicle's physical life: parked, driving, plugged in. Trips and charging sessions are
// closed-form functions of elapsed time, so the state at a report time is the same however often
// it was sampled before — a report cadence change never changes the physics.
import type { VehicleProfile } from "./fleet";
import type { Rng } from "./random";

export interface Position {
  lat: number;
  lon: number;
}

export interface Trip {
  startedAt: number;
  endsAt: number;
  from: Position;
  to: Position;
  roadKm: number;
  startOdometerKm: number;
  startSoc: number | null;
  startFuel: number | null;
  toHome: boolean;
  /** What happens on arrival besides parking. */
  purpose: "errand" | "fast-charge" | "refuel";
  /** Sideways bow of the route (degrees), so a drive is not a straight line on the map. */
  bow: number;
}

export interface ChargeSession {
  startedAt: number;
  fast: boolean;
  volts: number;
  phases: number;
  /** Power before the taper (kW). */
  kw: number;
  startSoc: number;
  /** Above this state of charge the power falls off towards zero at 100 %. */
  taperAt: number;
  /** When the charge limit is reached (the plug-in time when it already was). */
  fullAt: number;
}

export interface VehicleState {
  at: number;
  /** Traction battery %, null for combustion cars. */
  soc: number | null;
  /** Tank %, null for battery-electric cars. */
  fuel: number | null;
  odometerKm: number;
  position: Position;
  heading: number;
  atHome: boolean;
  trip: Trip | null;
  /** Set while plugged in. */
  session: ChargeSession | null;
  chargeLimit: number;
  /** Energy drawn in the current (or last) session, kWh. */
  energyAddedKwh: number;
  locked: boolean;
  driverDoorOpen: boolean;
  windowOpen: boolean;
  lowVoltageSoc: number;
  asleep: boolean;
  tiresKpa: readonly number[];
  /** 0 = cold tyres, 1 = warmed up by driving (adds ~10 kPa). */
  tireWarmth: number;
}

export type AgendaKind = "depart" | "arrive" | "lock" | "sleep" | "plug" | "full" | "unplug";
interface AgendaItem {
  at: number;
  kind: AgendaKind;
}

export interface VehicleLife {
  profile: VehicleProfile;
  rng: Rng;
  state: VehicleState;
  /** Upcoming changes, soonest first. */
  agenda: AgendaItem[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const CHARGE_EFFICIENCY = 0.92;

export function isCharging(state: VehicleState): boolean {
  return state.session !== null && state.at < state.session.fullAt;
}

export function startLife(profile: VehicleProfile, rng: Rng): VehicleLife {
  const { spec } = profile;
  const atHome = rng.chance(0.75);
  const position = atHome ? profile.home : offset(profile.home, rng, 2, 15);
  const state: VehicleState = {
    at: 0,
    soc: spec.powertrain === "ICE" ? null : round1(rng.float(30, 92)),
    fuel: spec.powertrain === "BEV" ? null : round1(rng.float(20, 90)),
    odometerKm: profile.initialOdometerKm,
    position,
    heading: rng.int(0, 359),
    atHome,
    trip: null,
    session: null,
    chargeLimit: spec.powertrain === "PHEV" ? 100 : rng.pick([80, 80, 90, 100]),
    energyAddedKwh: round1(rng.float(0, 30)),
    locked: rng.chance(0.9),
    driverDoorOpen: false,
    windowOpen: false,
    lowVoltageSoc: round1(rng.float(78, 95)),
    asleep: rng.chance(0.6),
    tiresKpa: [0, 1, 2, 3].map(() => rng.int(232, 262)),
    tireWarmth: 0,
  };
  const life: VehicleLife = { profile, rng, state, agenda: [] };
  if (atHome && wantsToPlugIn(life)) schedule(life, rng.float(0, 10 * MINUTE), "plug");
  else schedule(life, rng.float(1 * MINUTE, 60 * MINUTE), "depart");
  return life;
}

export function nextAgendaAt(life: VehicleLife): number {
  return life.agenda[0]?.at ?? Number.POSITIVE_INFINITY;
}

/** Brings the continuous quantities (position, charge, odometer…) to time t. */
export function advance(life: VehicleLife, t: number): void {
  const { state, profile } = life;
  const hours = Math.max(0, t - state.at) / HOUR;
  if (state.trip) {
    applyTrip(state, profile, state.trip, t);
    state.lowVoltageSoc = Math.min(95, state.lowVoltageSoc + 2 * hours);
    state.tireWarmth = Math.min(1, state.tireWarmth + hours * 3);
  } else if (state.session) {
    applyCharge(state, profile, state.session, t);
    state.lowVoltageSoc = Math.min(95, state.lowVoltageSoc + 2 * hours);
    state.tireWarmth *= Math.exp(-hours * 2);
  } else {
    // Parked: a little phantom drain, more while awake; the 12 V battery sags slowly.
    if (state.soc !== null) state.soc = Math.max(0, state.soc - (state.asleep ? 0.1 : 0.4) * hours);
    state.lowVoltageSoc = Math.max(40, state.lowVoltageSoc - (state.asleep ? 0.3 : 0.6) * hours);
    state.tireWarmth *= Math.exp(-hours * 2);
  }
  state.at = Math.max(state.at, t);
}

/** Advances to the next agenda item and applies it; returns what happened. */
export function runAgenda(life: VehicleLife): AgendaKind {
  const item = life.agenda.shift();
  if (!item) throw new Error("runAgenda on an empty agenda");
  advance(life, item.at);
  APPLY[item.kind](life);
  return item.kind;
}

const APPLY: Record<AgendaKind, (life: VehicleLife) => void> = {
  depart(life) {
    const { state } = life;
    state.trip = planTrip(life);
    state.asleep = false;
    state.driverDoorOpen = false;
    state.windowOpen = false;
    // Most cars lock themselves when driving off.
    state.locked = true;
    schedule(life, state.trip.endsAt - state.at, "arrive");
  },
  arrive(life) {
    const { state, rng, profile } = life;
    const trip = state.trip;
    if (!trip) return;
    applyTrip(state, profile, trip, trip.endsAt);
    state.trip = null;
    state.atHome = trip.toHome;
    state.driverDoorOpen = true;
    state.locked = false;
    state.windowOpen = trip.toHome && rng.chance(0.1);
    if (trip.purpose === "refuel" && state.fuel !== null) state.fuel = round1(rng.float(90, 100));
    schedule(life, rng.float(1, 4) * MINUTE, "lock");
    schedule(life, rng.float(10, 25) * MINUTE, "sleep");
    if (trip.purpose === "fast-charge") schedule(life, rng.float(1, 2) * MINUTE, "plug");
    else if (state.atHome && wantsToPlugIn(life)) schedule(life, rng.float(3, 8) * MINUTE, "plug");
    else schedule(life, (state.atHome ? rng.float(20, 150) : rng.float(10, 90)) * MINUTE, "depart");
  },
  lock(life) {
    const { state, rng } = life;
    state.driverDoorOpen = false;
    // Now and then the owner walks away without locking; the app or auto-lock catches it later.
    if (state.locked || rng.chance(0.85)) state.locked = true;
    else schedule(life, rng.float(15, 45) * MINUTE, "lock");
  },
  sleep(life) {
    const { state } = life;
    if (!state.trip && !isCharging(state)) state.asleep = true;
  },
  plug(life) {
    const { state, rng } = life;
    if (state.trip || state.soc === null) return;
    const session = startSession(life, !state.atHome);
    state.session = session;
    state.energyAddedKwh = 0;
    state.asleep = false;
    const untilFull = session.fullAt - state.at;
    if (untilFull > 0) schedule(life, untilFull, "full");
    // A quarter of home sessions end before the limit (the car is needed); fast charges end soon after it.
    const early = !session.fast && untilFull > 30 * MINUTE && rng.chance(0.25);
    const stay = early ? rng.float(20 * MINUTE, untilFull) : untilFull + (session.fast ? rng.float(2, 10) : rng.float(20, 180)) * MINUTE;
    schedule(life, stay, "unplug");
  },
  full(life) {
    const { state, profile } = life;
    if (state.session) applyCharge(state, profile, state.session, state.at);
  },
  unplug(life) {
    const { state, rng } = life;
    const session = state.session;
    if (!session) return;
    state.session = null;
    schedule(life, (session.fast ? rng.float(1, 3) : rng.float(5, 60)) * MINUTE, "depart");
  },
};

function wantsToPlugIn({ state, rng, profile }: VehicleLife): boolean {
  if (state.soc === null) return false;
  if (state.soc < 40) return true;
  const eager = profile.spec.powertrain === "PHEV" ? 0.85 : 0.7;
  return state.soc < state.chargeLimit - 10 && rng.chance(eager);
}

function planTrip(life: VehicleLife): Trip {
  const { state, profile, rng } = life;
  const { spec } = profile;
  const lowBattery = spec.powertrain === "BEV" && state.soc !== null && state.soc < 25;
  const lowFuel = state.fuel !== null && state.fuel < 15 && (spec.powertrain === "ICE" || (state.soc ?? 0) < 20);
  const purpose: Trip["purpose"] = lowBattery ? "fast-charge" : lowFuel ? "refuel" : "errand";
  const toHome = purpose === "errand" && !state.atHome && rng.chance(0.65);
  const to = toHome ? profile.home : purpose === "errand" ? offset(profile.home, rng, 2, 20) : offset(state.position, rng, 1, 4);
  // Roads are ~30 % longer than the straight line.
  let roadKm = Math.max(0.8, distanceKm(state.position, to) * 1.3);
  const reach = reachKm(state, profile);
  if (roadKm > reach) roadKm = Math.max(0.5, reach);
  const speedKmh = rng.float(25, 60);
  return {
    startedAt: state.at,
    endsAt: state.at + (roadKm / speedKmh) * HOUR,
    from: state.position,
    to,
    roadKm,
    startOdometerKm: state.odometerKm,
    startSoc: state.soc,
    startFuel: state.fuel,
    toHome,
    purpose,
    bow: rng.float(-0.01, 0.01),
  };
}

/** How far the car can go keeping ~8 % in reserve. */
function reachKm(state: VehicleState, { spec }: VehicleProfile): number {
  const electric = state.soc === null ? 0 : Math.max(0, state.soc - 8) / socPerKm(spec);
  const fuel = state.fuel === null ? 0 : Math.max(0, state.fuel - 3) / fuelPerKm(spec);
  return electric + fuel;
}

function applyTrip(state: VehicleState, { spec }: VehicleProfile, trip: Trip, t: number): void {
  const progress = clamp01((t - trip.startedAt) / Math.max(1, trip.endsAt - trip.startedAt));
  const km = trip.roadKm * progress;
  state.odometerKm = trip.startOdometerKm + km;
  // Plug-in hybrids drive on electricity until ~15 %, then burn fuel.
  const electricKm =
    trip.startSoc === null ? 0 : spec.powertrain === "PHEV" ? Math.max(0, trip.startSoc - 15) / socPerKm(spec) : Number.POSITIVE_INFINITY;
  if (trip.startSoc !== null) state.soc = Math.max(0, trip.startSoc - Math.min(km, electricKm) * socPerKm(spec));
  if (trip.startFuel !== null) state.fuel = Math.max(0, trip.startFuel - Math.max(0, km - electricKm) * fuelPerKm(spec));
  const previous = state.position;
  state.position = along(trip, progress);
  if (distanceKm(previous, state.position) > 0.01) state.heading = bearing(previous, state.position);
}

function startSession(life: VehicleLife, fast: boolean): ChargeSession {
  const { state, profile, rng } = life;
  const { spec } = profile;
  const soc = state.soc ?? 0;
  const charger = fast
    ? { volts: spec.maxDcKw > 200 ? rng.int(620, 760) : rng.int(360, 410), phases: 1, kw: Math.min(spec.maxDcKw, rng.pick([50, 150, 150, 250])) }
    : { ...profile.region.homeCharger, kw: Math.min(spec.maxAcKw, (profile.region.homeCharger.volts * profile.region.homeCharger.amps * profile.region.homeCharger.phases) / 1000) };
  const session = { startedAt: state.at, fast, volts: charger.volts, phases: charger.phases, kw: charger.kw, startSoc: soc, taperAt: fast ? 80 : 92, fullAt: 0 };
  session.fullAt = state.at + hoursToReach(session, spec.batteryKwh, state.chargeLimit - 0.5) * HOUR;
  return session;
}

// Constant power up to the taper point, then a rate proportional to what is left to 100 %:
// s(t) = 100 − (100 − s₁)·e^(−k·t), which is how lithium packs look on a charging graph.
function socAfter(session: ChargeSession, batteryKwh: number, hours: number): number {
  const rate = (session.kw * CHARGE_EFFICIENCY * 100) / batteryKwh;
  const linearHours = Math.max(0, (session.taperAt - session.startSoc) / rate);
  if (hours <= linearHours) return session.startSoc + rate * hours;
  const from = Math.max(session.startSoc, session.taperAt);
  const k = rate / (100 - session.taperAt);
  return 100 - (100 - from) * Math.exp(-k * (hours - linearHours));
}

function hoursToReach(session: ChargeSession, batteryKwh: number, target: number): number {
  if (session.startSoc >= target) return 0;
  const rate = (session.kw * CHARGE_EFFICIENCY * 100) / batteryKwh;
  if (target <= session.taperAt) return (target - session.startSoc) / rate;
  const linearHours = Math.max(0, (session.taperAt - session.startSoc) / rate);
  const from = Math.max(session.startSoc, session.taperAt);
  const k = rate / (100 - session.taperAt);
  return linearHours + Math.log((100 - from) / (100 - target)) / k;
}

/** Charging power now (kW): the taper scales it down with what is left to 100 %. */
export function chargePowerKw(state: VehicleState): number {
  const session = state.session;
  if (!session || !isCharging(state) || state.soc === null) return 0;
  if (state.soc <= session.taperAt) return session.kw;
  return session.kw * ((100 - state.soc) / (100 - session.taperAt));
}

/** Minutes to the charge limit, 0 when not charging. */
export function minutesToLimit(state: VehicleState): number {
  const session = state.session;
  if (!session || !isCharging(state)) return 0;
  return Math.max(0, (session.fullAt - state.at) / MINUTE);
}

function applyCharge(state: VehicleState, { spec }: VehicleProfile, session: ChargeSession, t: number): void {
  const reached = t >= session.fullAt;
  const soc = reached ? state.chargeLimit : socAfter(session, spec.batteryKwh, (t - session.startedAt) / HOUR);
  state.soc = Math.max(session.startSoc, Math.min(soc, state.chargeLimit));
  state.energyAddedKwh = ((state.soc - session.startSoc) / 100) * (spec.batteryKwh / CHARGE_EFFICIENCY);
}

function schedule(life: VehicleLife, inMs: number, kind: AgendaKind): void {
  const at = life.state.at + Math.max(1_000, inMs);
  const index = life.agenda.findIndex((item) => item.at > at);
  life.agenda.splice(index === -1 ? life.agenda.length : index, 0, { at, kind });
}

const socPerKm = (spec: VehicleProfile["spec"]): number => (spec.kwhPerKm / spec.batteryKwh) * 100;
const fuelPerKm = (spec: VehicleProfile["spec"]): number => spec.litresPer100Km / spec.tankLitres;

function along(trip: Trip, progress: number): Position {
  const lat = trip.from.lat + (trip.to.lat - trip.from.lat) * progress;
  const lon = trip.from.lon + (trip.to.lon - trip.from.lon) * progress;
  // Perpendicular bow plus a small wiggle: roads curve and GPS drifts.
  const bow = trip.bow * Math.sin(Math.PI * progress) + 0.0004 * Math.sin(6 * Math.PI * progress);
  const dLat = trip.to.lat - trip.from.lat;
  const dLon = trip.to.lon - trip.from.lon;
  const length = Math.hypot(dLat, dLon) || 1;
  return { lat: lat - (dLon / length) * bow, lon: lon + (dLat / length) * bow };
}

function offset(origin: Position, rng: Rng, minKm: number, maxKm: number): Position {
  const km = rng.float(minKm, maxKm);
  const angle = rng.float(0, 2 * Math.PI);
  const lat = origin.lat + (km / 111) * Math.cos(angle);
  const lon = origin.lon + (km / (111 * Math.cos((origin.lat * Math.PI) / 180))) * Math.sin(angle);
  return { lat, lon };
}

function distanceKm(a: Position, b: Position): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

function bearing(a: Position, b: Position): number {
  const toRad = Math.PI / 180;
  const y = Math.sin((b.lon - a.lon) * toRad) * Math.cos(b.lat * toRad);
  const x = Math.cos(a.lat * toRad) * Math.sin(b.lat * toRad) - Math.sin(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.cos((b.lon - a.lon) * toRad);
  return Math.round(((Math.atan2(y, x) * 180) / Math.PI + 360) % 360);
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));
const round1 = (value: number): number => Math.round(value * 10) / 10;
