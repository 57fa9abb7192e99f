import { ForbiddenNotice } from "@/components/auth/forbidden-notice";

// 403 inside the dashboard shell: the user keeps the navigation their role allows.
export default function Forbidden() {
  return <ForbiddenNotice />;
}
