// Positional parameters for hand-built SQL: every value travels as a parameter, never as text.
export interface SqlParams {
  readonly values: unknown[];
  /** Adds a value and returns its placeholder (`$n`). */
  add(value: unknown): string;
}

export function sqlParams(): SqlParams {
  const values: unknown[] = [];
  return {
    values,
    add(value) {
      values.push(value);
      return `$${values.length}`;
    },
  };
}
