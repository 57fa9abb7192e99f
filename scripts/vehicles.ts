// npm run vehicles -- list | purge <vehicleId> [--dry-run]
// Deletion requests: `purge` deletes a vehicle's state, history, conditions and alerts and keeps its
// events only as tombstones (eventId, no payload, no vehicle or user id), so a replayed old body
// is still a duplicate. Audited with the OS user as the actor. --dry-run only counts.
// An id with nothing stored exits 1.
import { z } from "zod";
import { formatTable, iso, parseArgsOrUsage, runCli, UsageError, type CliResult } from "./lib/cli";

const USAGE = `Usage:
  npm run vehicles -- list
  npm run vehicles -- purge <vehicleId> [--dry-run]`;

type Command = { kind: "list" } | { kind: "purge"; vehicleId: string; dryRun: boolean };

const vehicleIdSchema = z.string().min(1, "the vehicle id is empty").max(200, "the vehicle id is too long").regex(/^\S+$/, "the vehicle id contains spaces");

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgsOrUsage(argv, { "dry-run": { type: "boolean" } });
  const [verb, ...rest] = positionals;
  switch (verb) {
    case "list":
      if (rest.length > 0 || values["dry-run"] !== undefined) throw new UsageError("list takes no arguments");
      return { kind: "list" };
    case "purge": {
      if (rest.length !== 1) throw new UsageError("purge takes exactly one vehicle id");
      const vehicleId = vehicleIdSchema.safeParse(rest[0]);
      if (!vehicleId.success) throw new UsageError(vehicleId.error.issues[0]?.message ?? "invalid vehicle id");
      return { kind: "purge", vehicleId: vehicleId.data, dryRun: values["dry-run"] === true };
    }
    case undefined:
      throw new UsageError("missing command");
    default:
      throw new UsageError(`unknown command "${verb}"`);
  }
}

function describe(counts: { vehicle: number; signals: number; readings: number; conditions: number; events: number; alerts: number }): string[] {
  return formatTable(
    ["DATA", "ROWS"],
    [
      ["vehicle", String(counts.vehicle)],
      ["latest signal values", String(counts.signals)],
      ["signal history readings", String(counts.readings)],
      ["vehicle conditions", String(counts.conditions)],
      ["events (kept as tombstones)", String(counts.events)],
      ["alerts about the vehicle", String(counts.alerts)],
    ],
  );
}

async function run(command: Command): Promise<CliResult> {
  // Loaded only now: these modules read the configuration, which must see the resolved URL.
  const vehicles = await import("@/lib/vehicles/purge-vehicle");
  switch (command.kind) {
    case "list": {
      const rows = await vehicles.listStoredVehicles();
      if (rows.length === 0) return { stdout: ["No vehicles."], exitCode: 0 };
      const table = rows.map((v) => [v.vehicleId, v.make ?? "-", v.model ?? "-", v.year === null ? "-" : String(v.year), iso(v.lastSeenAt)]);
      return { stdout: formatTable(["VEHICLE", "MAKE", "MODEL", "YEAR", "LAST SEEN"], table), exitCode: 0 };
    }
    case "purge": {
      if (command.dryRun) {
        const counts = await vehicles.countVehicleData(command.vehicleId);
        if (counts === null) return unknownVehicle(command.vehicleId);
        return { stdout: [`Dry run: purging ${command.vehicleId} would remove:`, ...describe(counts)], exitCode: 0 };
      }
      const { cliActor } = await import("@/lib/audit");
      const counts = await vehicles.purgeVehicle(command.vehicleId, cliActor());
      if (counts === null) return unknownVehicle(command.vehicleId);
      return {
        stdout: [`Purged ${command.vehicleId}; events keep only their eventId, so replays stay duplicates:`, ...describe(counts)],
        exitCode: 0,
      };
    }
  }
}

function unknownVehicle(vehicleId: string): CliResult {
  process.stderr.write(`vehicles: nothing is stored for vehicle "${vehicleId}" (see \`npm run vehicles -- list\`)\n`);
  return { stdout: [], exitCode: 1 };
}

runCli({ name: "vehicles", usage: USAGE, parse: parseCommand, run });
