import type { Metadata } from "next";
import { LabelledInput, LabelledRoleSelect } from "@/components/admin/labelled-controls";
import { ActionForm } from "@/components/forms/action-form";
import { addUserAction } from "@/lib/actions/add-user";
import { changeRoleAction } from "@/lib/actions/change-role";
import { removeUserAction } from "@/lib/actions/remove-user";
import { resetPasswordAction } from "@/lib/actions/reset-password";
import { roleSchema } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import { getUsersForAdmin } from "@/lib/dal/admin";

export const metadata: Metadata = { title: "Users · Smartcar Monitor" };

export default async function UsersPage() {
  const me = await requireUser("admin");
  const users = await getUsersForAdmin();
  return (
    <div className="space-y-8">
      <section aria-labelledby="add-user">
        <h1 className="text-xl font-semibold">Users</h1>
        <h2 id="add-user" className="mt-4 text-sm font-semibold text-slate-700">
          Add a user
        </h2>
        <ActionForm action={addUserAction} submitLabel="Add user" className="mt-2 flex flex-wrap items-end gap-3">
          <LabelledInput id="new-user-email" label="Email" name="email" type="email" required autoComplete="off" />
          <LabelledInput id="new-user-name" label="Name (optional)" name="name" autoComplete="off" />
          <LabelledRoleSelect id="new-user-role" label="Role" />
          <LabelledInput id="new-user-password" label="Password (empty: generate)" name="password" type="password" autoComplete="new-password" minLength={12} />
        </ActionForm>
      </section>

      <section aria-labelledby="all-users">
        <h2 id="all-users" className="text-sm font-semibold text-slate-700">
          All users
        </h2>
        <table className="mt-2 w-full border-collapse text-left text-sm">
          <thead className="border-b border-slate-300 text-xs uppercase text-slate-500">
            <tr>
              <th className="py-2 pr-4">Email</th>
              <th className="py-2 pr-4">Role</th>
              <th className="py-2 pr-4">Last sign-in</th>
              <th className="py-2 pr-4">Status</th>
              <th className="py-2">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-b border-slate-200 align-top">
                <td className="py-3 pr-4">
                  <div className="font-medium">{u.email}</div>
                  {u.name && <div className="text-slate-500">{u.name}</div>}
                </td>
                <td className="py-3 pr-4">{u.role}</td>
                <td className="py-3 pr-4">{u.lastLoginAt ? <time dateTime={u.lastLoginAt}>{u.lastLoginAt}</time> : "never"}</td>
                <td className="py-3 pr-4">{u.lockedUntil ? <span className="text-red-700">locked until {u.lockedUntil}</span> : "active"}</td>
                <td className="space-y-2 py-3">
                  <ActionForm action={changeRoleAction} submitLabel="Change role">
                    <input type="hidden" name="email" value={u.email} />
                    <LabelledRoleSelect id={`role-${u.id}`} label={`Role of ${u.email}`} defaultValue={roleSchema.safeParse(u.role).data ?? "viewer"} />
                  </ActionForm>
                  <ActionForm action={resetPasswordAction} submitLabel="Reset password">
                    <input type="hidden" name="email" value={u.email} />
                    <LabelledInput
                      id={`password-${u.id}`}
                      label={`New password for ${u.email} (empty: generate)`}
                      name="password"
                      type="password"
                      autoComplete="new-password"
                      minLength={12}
                    />
                  </ActionForm>
                  {u.id !== me.id && (
                    <ActionForm action={removeUserAction} submitLabel={`Remove ${u.email}`} tone="danger">
                      <input type="hidden" name="email" value={u.email} />
                    </ActionForm>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
