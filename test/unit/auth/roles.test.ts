import { describe, expect, it } from "vitest";
import { hasRole } from "@/lib/auth/roles";

describe("hasRole", () => {
  it("orders viewer < support < admin", () => {
    expect(hasRole("viewer", "viewer")).toBe(true);
    expect(hasRole("viewer", "support")).toBe(false);
    expect(hasRole("support", "viewer")).toBe(true);
    expect(hasRole("support", "admin")).toBe(false);
    expect(hasRole("admin", "support")).toBe(true);
    expect(hasRole("admin", "admin")).toBe(true);
  });
});
