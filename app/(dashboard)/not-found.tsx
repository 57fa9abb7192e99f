import Link from "next/link";

// An event or vehicle id that names nothing (notFound() in its page).
export default function DashboardNotFound() {
  return (
    <div className="mx-auto max-w-xl py-10">
      <p className="text-sm font-semibold text-slate-500">404</p>
      <h1 className="mt-1 text-2xl font-semibold">Nothing here</h1>
      <p className="mt-3 text-slate-600">No event or vehicle has this id. It may have been removed by retention, or the link is incomplete.</p>
      <p className="mt-6 flex gap-4">
        <Link href="/events" className="text-sky-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
          Events
        </Link>
        <Link href="/vehicles" className="text-sky-800 underline underline-offset-2 focus-visible:outline focus-visible:outline-2 focus-visible:outline-sky-700">
          Vehicles
        </Link>
      </p>
    </div>
  );
}
