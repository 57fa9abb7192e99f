// Deterministic randomness for the simulator: the same seed must replay the same fleet and the same
// traffic, so nothing here reads Math.random or the clock. Every stream is named by its parts
// (seed, run id, purpose, index), which keeps streams independent: adding a vehicle or a fault kind
// never shifts the numbers another stream draws.
import { createHash } from "node:crypto";

export type SeedPart = string | number;

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  float(min: number, max: number): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight; weights need not sum to 1. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

// Parts are joined with a separator that cannot occur in numbers and is unlikely in names, so
// ("a1", 2) and ("a", 12) name different streams.
function digest(algorithm: "sha1" | "sha256", parts: readonly SeedPart[]): Buffer {
  return createHash(algorithm).update(parts.map(String).join("\u001f")).digest();
}

export function rngFor(...parts: SeedPart[]): Rng {
  const seed = digest("sha256", parts);
  return wrap(sfc32(seed.readUInt32LE(0), seed.readUInt32LE(4), seed.readUInt32LE(8), seed.readUInt32LE(12)));
}

/** A UUIDv5-shaped id hashed from its parts: stable across runs, distinct per part. */
export function deterministicUuid(...parts: SeedPart[]): string {
  const bytes = digest("sha1", parts).subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50; // version 5
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

// sfc32: tiny, fast, and good enough statistically for traffic shapes (not for secrets).
function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

function wrap(next: () => number): Rng {
  const rng: Rng = {
    next,
    float: (min, max) => min + (max - min) * next(),
    int: (min, max) => min + Math.floor((max - min + 1) * next()),
    chance: (probability) => next() < probability,
    pick: (items) => {
      const item = items[Math.floor(items.length * next())];
      if (item === undefined) throw new Error("pick from an empty list");
      return item;
    },
    weighted: (items) => {
      const total = items.reduce((sum, [, weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [item, weight] of items) {
        roll -= weight;
        if (roll < 0) return item;
      }
      const last = items[items.length - 1];
      if (!last) throw new Error("weighted pick from an empty list");
      return last[0];
    },
  };
  return rng;
}
