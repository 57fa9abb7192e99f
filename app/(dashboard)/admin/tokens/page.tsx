import type { Metadata } from "next";
import { LabelledInput, LabelledRoleSelect } from "@/components/admin/labelled-controls";
import { ActionForm } from "@/components/forms/action-form";
import { createTokenAction } from "@/lib/actions/create-token";
import { revokeTokenAction } from "@/lib/actions/revoke-token";
import { requireUser } from "@/lib/auth/session";
import { getTokensForAdmin } from "@/lib/dal/admin";

export const metadata: Metadata = { title: "API tokens · Smartcar Monitor" };

export default async function TokensPage() {
  await requireUser("admin");
  const tokens = await getTokensForAdmin();
  return (
    <div className="space-y-8">
      <section aria-labelledby="create-token">
        <h1 className="text-xl font-semibold">API tokens</h1>
        <p className="mt-1 text-sm text-slate-600">
          For scripts and integrations: send <code>Authorization: Bearer &lt;token&gt;</code> to <code>/api/v1</code>. Only a hash is stored, so
          a token is shown once, when it is created.
        </p>
        <h2 id="create-token" className="mt-4 text-sm font-semibold text-slate-700">
          Create a token
        </h2>
        <ActionForm action={createTokenAction} submitLabel="Create token" className="mt-2 flex flex-wrap items-end gap-3">
          <LabelledInput id="new-token-name" label="Name" name="name" required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,63}" autoComplete="off" />
          <LabelledRoleSelect id="new-token-role" label="Role" />
        </ActionForm>
      </section>

      <section aria-labelledby="all-tokens">
        <h2 id="all-tokens" className="text-sm font-semibold text-slate-700">
          All tokens
        </h2>
        {tokens.length === 0 ? (
          <p className="mt-2 text-sm text-slate-600">No API tokens yet.</p>
        ) : (
          <table className="mt-2 w-full border-collapse text-left text-sm">
            <thead className="border-b border-slate-300 text-xs uppercase text-slate-500">
              <tr>
                <th className="py-2 pr-4">Name</th>
                <th className="py-2 pr-4">Role</th>
                <th className="py-2 pr-4">Created</th>
                <th className="py-2 pr-4">Last used</th>
                <th className="py-2">Status</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((t) => (
                <tr key={t.name} className="border-b border-slate-200 align-top">
                  <td className="py-3 pr-4 font-medium">{t.name}</td>
                  <td className="py-3 pr-4">{t.role}</td>
                  <td className="py-3 pr-4">
                    <time dateTime={t.createdAt}>{t.createdAt}</time>
                  </td>
                  <td className="py-3 pr-4">{t.lastUsedAt ? <time dateTime={t.lastUsedAt}>{t.lastUsedAt}</time> : "never"}</td>
                  <td className="py-3">
                    {t.revokedAt ? (
                      <span className="text-slate-500">revoked {t.revokedAt}</span>
                    ) : (
                      <ActionForm action={revokeTokenAction} submitLabel={`Revoke ${t.name}`} tone="danger">
                        <input type="hidden" name="name" value={t.name} />
                      </ActionForm>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
