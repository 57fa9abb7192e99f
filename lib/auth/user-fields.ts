import { z } from "zod";

// The shape of a user's identifying fields, pure so a CLI can check its arguments before it
// loads anything that reads the configuration or starts a database.

/** Emails are compared lower-cased; `admin@localhost` is valid, so no TLD is required. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "an email is at most 254 characters")
  .regex(/^[^\s@]+@[^\s@]+$/, "an email looks like name@host");

export const displayNameSchema = z.string().trim().max(100, "a name is at most 100 characters");
