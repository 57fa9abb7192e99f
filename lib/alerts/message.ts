import { utcMinute } from "@/lib/alerts/wording";

// The webhook body: Slack's incoming-webhook format (`text` is the fallback every
// Slack-compatible receiver shows — Mattermost, Rocket.Chat, Discord's /slack endpoint — and
// `blocks` the richer layout). Pure; carries the alert's own words only, never configuration.

export type Transition = "opened" | "resolved";

export interface NotifiableAlert {
  id: string;
  rule: string;
  subject: string;
  severity: string;
  title: string;
  summary: string;
  openedAt: Date;
  resolvedAt: Date | null;
}

export interface SlackMessage {
  text: string;
  blocks: ({ type: "section"; text: { type: "mrkdwn"; text: string } } | { type: "context"; elements: { type: "mrkdwn"; text: string }[] })[];
}

const MARKER: Record<string, string> = { critical: "🔴", warning: "🟠" };

export function alertMessage(alert: NotifiableAlert, transition: Transition): SlackMessage {
  const headline =
    transition === "opened"
      ? `${MARKER[alert.severity] ?? "🟠"} ${alert.severity.toUpperCase()} alert opened: ${alert.title}`
      : `✅ Resolved: ${alert.title}`;
  const when =
    transition === "opened" || !alert.resolvedAt
      ? `opened ${utcMinute(alert.openedAt)}`
      : `opened ${utcMinute(alert.openedAt)}, resolved ${utcMinute(alert.resolvedAt)}`;
  const about = [`rule \`${alert.rule}\``, alert.subject ? `subject \`${alert.subject}\`` : null, `alert #${alert.id}`, when].filter(Boolean).join(" · ");
  return {
    text: transition === "opened" ? `${headline} — ${alert.summary}` : headline,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(headline)}*\n${escapeMrkdwn(alert.summary)}` } },
      { type: "context", elements: [{ type: "mrkdwn", text: about }] },
    ],
  };
}

// Slack reads &, < and > as markup (links, mentions): vehicle names come from payloads.
function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
