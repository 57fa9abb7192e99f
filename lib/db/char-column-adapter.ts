import { PrismaPg } from "@prisma/adapter-pg";
import {
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlResultSet,
  type Transaction,
} from "@prisma/driver-adapter-utils";
import pg from "pg";

// The schema engine reads catalog columns of PostgreSQL's one-byte "char" type
// (pg_constraint.contype, pg_class.relkind…) and expects the driver's Character column type for
// them. adapter-pg maps no type to Character and rejects "char" outright ("Column type 'char'
// could not be deserialized"), so reading a database back (drift detection) fails. A plain text
// stand-in is not enough either: the engine then panics on the first such row, and PostgreSQL 18
// returns one per NOT NULL column (15 only for CHECK and EXCLUDE constraints).
//
// So the engine's pg connections pass "char" columns on as text under a marked name, and the
// adapter wrapper restores the name and reports Character. Only the schema engine uses this.
// The wrapper also runs migration scripts whole (see withCharColumns).

const CHAR_OID = 18;
const TEXT_OID = 25;
const CHAR_MARK = "\u0000char";

export class CharColumnClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.connection.prependListener("rowDescription", markCharColumns);
  }
}

function markCharColumns(message: unknown): void {
  if (typeof message !== "object" || message === null || !("fields" in message) || !Array.isArray(message.fields)) return;
  for (const field of message.fields) {
    if (typeof field !== "object" || field === null || !("dataTypeID" in field) || field.dataTypeID !== CHAR_OID) continue;
    field.dataTypeID = TEXT_OID;
    if ("name" in field) field.name = `${String(field.name)}${CHAR_MARK}`;
  }
}

/** adapter-pg over `pool` (whose clients must be CharColumnClient), reporting "char" columns as Character. */
export function charColumnAdapterFactory(pool: pg.Pool): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPg(pool);
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => withCharColumns(await factory.connect(), pool),
    connectToShadowDb: async () => withCharColumns(await factory.connectToShadowDb(), pool),
  };
}

// adapter-pg runs a migration script by splitting it at every ";", which breaks any statement with
// a semicolon inside a string — a plpgsql function body. PostgreSQL's simple query protocol takes
// the whole script at once (as one implicit transaction, as `prisma migrate deploy` does); errors
// go through the adapter's own conversion so the engine reports them as usual.
function withCharColumns(adapter: SqlDriverAdapter, pool: pg.Pool): SqlDriverAdapter {
  const convertError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
  return overriding(adapter, {
    executeScript: async (script) => {
      await pool.query(script).catch(convertError);
    },
    queryRaw: async (query) => restoreCharColumns(await adapter.queryRaw(query)),
    startTransaction: async (isolationLevel) => transactionWithCharColumns(await adapter.startTransaction(isolationLevel)),
  });
}

function transactionWithCharColumns(transaction: Transaction): Transaction {
  return overriding(transaction, { queryRaw: async (query) => restoreCharColumns(await transaction.queryRaw(query)) });
}

function restoreCharColumns(result: SqlResultSet): SqlResultSet {
  const columnTypes = [...result.columnTypes];
  const columnNames = result.columnNames.map((name, i) => {
    if (!name.endsWith(CHAR_MARK)) return name;
    columnTypes[i] = ColumnTypeEnum.Character;
    return name.slice(0, -CHAR_MARK.length);
  });
  return { ...result, columnNames, columnTypes };
}

/**
 * `target` with some methods replaced. A proxy, not a subclass: adapter-pg does not export its
 * classes. Every other read goes to the target, so its own methods keep working on its state.
 */
function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, { get: (object, key) => (Object.hasOwn(overrides, key) ? Reflect.get(overrides, key) : Reflect.get(object, key)) });
}
