export type CappedBody =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; size: number; head: Uint8Array };

const HEAD_BYTES = 2048;

/**
 * Reads the request body, refusing to buffer more than `maxBytes`. The cap is enforced while
 * streaming, so a huge or endless body costs at most `maxBytes` of memory. `size` of a refused
 * body is the declared Content-Length when present, else the bytes read before giving up.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<CappedBody> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    const head = await readHead(request);
    return { ok: false, size: declared, head };
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0) };
  // Node's HTTP parser never passes on more body than a declared Content-Length: within the cap,
  // the whole body can be taken in one read (cheaper than chunk by chunk; Smartcar declares it).
  if (Number.isFinite(declared)) return { ok: true, bytes: new Uint8Array(await request.arrayBuffer()) };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { ok: false, size: Number.isFinite(declared) ? declared : total, head: concat(chunks, HEAD_BYTES) };
    }
    chunks.push(value);
  }
  return { ok: true, bytes: concat(chunks, total) };
}

async function readHead(request: Request): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < HEAD_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  await reader.cancel();
  return concat(chunks, HEAD_BYTES);
}

function concat(chunks: Uint8Array[], limit: number): Uint8Array {
  const size = Math.min(limit, chunks.reduce((n, c) => n + c.byteLength, 0));
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= size) break;
    const part = chunk.subarray(0, size - offset);
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
