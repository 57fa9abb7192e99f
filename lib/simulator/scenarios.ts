// Trouble on demand. A scenario is a set of rates; several scenarios combine by taking the
// highest rate of each kind, so `--scenario bad-signatures,oversize` is both.

export interface TroubleRates {
  /** Share of VEHICLE_STATE reports with 1–3 transiently failed signals (UPSTREAM, SERVER, RATE_LIMIT…). */
  signalFailure: number;
  /** Show signals a model cannot deliver as COMPATIBILITY failures (plus one VEHICLE_ERROR each). */
  unsupportedSignals: boolean;
  /** Chance per periodic report that a vehicle-level error episode opens (resolved minutes later). */
  vehicleErrors: number;
  /** Chance an opened error is re-detected and sent again under a new eventId (CONTRACT.md §1). */
  errorRedetect: number;
  /** Shares of messages (placed evenly, in seeded positions) turned into each kind of trouble. */
  badSignature: number;
  oversize: number;
  malformed: number;
  verify: number;
  /** Share of VERIFY requests whose challenge is not UUID-like (a signing-oracle probe → 400). */
  verifyProbe: number;
  testMode: number;
  /** Smartcar did not see our 2xx (timeout on its side) and retries: duplicates at the receiver. */
  lostAck: number;
  /** Share of messages overtaken by up to eight later ones. */
  outOfOrder: number;
}

const NONE: TroubleRates = {
  signalFailure: 0,
  unsupportedSignals: false,
  vehicleErrors: 0,
  errorRedetect: 0,
  badSignature: 0,
  oversize: 0,
  malformed: 0,
  verify: 0,
  verifyProbe: 0,
  testMode: 0,
  // Delivery behaviour, not trouble: even a clean stream has retries and no ordering.
  lostAck: 0.02,
  outOfOrder: 0.05,
};

export const SCENARIOS = {
  clean: NONE,
  // About what a healthy production webhook shows over a day, compressed so that 200 messages
  // contain some of each.
  mixed: {
    ...NONE,
    signalFailure: 0.06,
    unsupportedSignals: true,
    vehicleErrors: 0.04,
    errorRedetect: 0.2,
    badSignature: 0.012,
    oversize: 0.006,
    malformed: 0.01,
    verify: 0.006,
    testMode: 0.015,
    lostAck: 0.04,
    outOfOrder: 0.08,
  },
  "partial-failures": { ...NONE, signalFailure: 0.4, unsupportedSignals: true },
  "vehicle-errors": { ...NONE, vehicleErrors: 0.3, errorRedetect: 0.3 },
  "bad-signatures": { ...NONE, badSignature: 0.25 },
  oversize: { ...NONE, oversize: 0.1 },
  malformed: { ...NONE, malformed: 0.2 },
  verify: { ...NONE, verify: 0.2, verifyProbe: 0.25 },
  "test-mode": { ...NONE, testMode: 0.2 },
  duplicates: { ...NONE, lostAck: 0.3, outOfOrder: 0.3 },
} satisfies Record<string, TroubleRates>;

export type ScenarioName = keyof typeof SCENARIOS;

export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

export function combineScenarios(names: readonly ScenarioName[]): TroubleRates {
  return names.reduce<TroubleRates>((rates, name) => {
    const next = SCENARIOS[name];
    return {
      signalFailure: Math.max(rates.signalFailure, next.signalFailure),
      unsupportedSignals: rates.unsupportedSignals || next.unsupportedSignals,
      vehicleErrors: Math.max(rates.vehicleErrors, next.vehicleErrors),
      errorRedetect: Math.max(rates.errorRedetect, next.errorRedetect),
      badSignature: Math.max(rates.badSignature, next.badSignature),
      oversize: Math.max(rates.oversize, next.oversize),
      malformed: Math.max(rates.malformed, next.malformed),
      verify: Math.max(rates.verify, next.verify),
      verifyProbe: Math.max(rates.verifyProbe, next.verifyProbe),
      testMode: Math.max(rates.testMode, next.testMode),
      lostAck: Math.max(rates.lostAck, next.lostAck),
      outOfOrder: Math.max(rates.outOfOrder, next.outOfOrder),
    };
  }, NONE);
}
