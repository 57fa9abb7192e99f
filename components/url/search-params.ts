/** A page's `searchParams`, awaited. */
export type SearchParamsRecord = Record<string, string | string[] | undefined>;

/** A repeated query key keeps its last value, as the API's parser does. */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.at(-1) : value;
}

/** Every key with one value (its last), for parsing with the DAL's query schemas. */
export function flatten(searchParams: SearchParamsRecord): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(searchParams)) {
    const v = single(value);
    if (v !== undefined && v !== "") flat[key] = v;
  }
  return flat;
}

/** `pathname?query` with `params` set (undefined removes a key). */
export function withParams(pathname: string, searchParams: SearchParamsRecord, params: Record<string, string | undefined>): string {
  const next = new URLSearchParams(flatten(searchParams));
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) next.delete(key);
    else next.set(key, value);
  }
  const query = next.toString();
  return query ? `${pathname}?${query}` : pathname;
}
