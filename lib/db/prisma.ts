import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/db/generated/client";
import { pool } from "@/lib/db/pool";

const globalForPrisma = globalThis as unknown as { smartcarPrisma?: PrismaClient };

export function prisma(): PrismaClient {
  globalForPrisma.smartcarPrisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return globalForPrisma.smartcarPrisma;
}
