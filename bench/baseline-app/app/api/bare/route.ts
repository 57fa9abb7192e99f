// Baseline (b), the framework ceiling: Next reads the whole body and answers 200, nothing else.
export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const body = await request.arrayBuffer();
  return Response.json({ status: "accepted", bytes: body.byteLength });
}
