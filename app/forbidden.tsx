import { ForbiddenNotice } from "@/components/auth/forbidden-notice";

// 403 for pages outside the dashboard shell.
export default function Forbidden() {
  return (
    <main className="px-6">
      <ForbiddenNotice />
    </main>
  );
}
