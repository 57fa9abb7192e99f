export default function HomePage() {
  return (
    <main className="mx-auto max-w-3xl p-8">
      <h1 className="text-2xl font-semibold">Smartcar Monitor</h1>
      <p className="mt-2 text-slate-600">
        Webhooks are received at <code>/api/webhooks/smartcar</code>. Health: <a className="underline" href="/api/health">/api/health</a>.
      </p>
    </main>
  );
}
