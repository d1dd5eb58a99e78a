"use client";

import { describeUrl } from "@/lib/elicitation/url-display";
import { AnswerButtons } from "./answer-buttons";

/**
 * A URL request: the full address with its host set apart and any warning. Nothing fetches or opens it until the
 * person chooses "Open link"; then it opens in a new tab without access back to this page (noopener).
 */
export function UrlConsent({
  url,
  busy,
  onAnswer,
}: {
  url: string;
  busy: boolean;
  onAnswer: (action: "accept" | "decline" | "cancel") => void;
}) {
  const shown = describeUrl(url);
  if (!shown) {
    return (
      <p role="alert" className="text-sm text-red-800 dark:text-red-300">
        This address cannot be opened safely, so it can only be declined.
      </p>
    );
  }
  const open = () => {
    window.open(url, "_blank", "noopener,noreferrer");
    onAnswer("accept");
  };
  const hostStart = shown.host.length - shown.domain.length;
  return (
    <div className="flex flex-col gap-3">
      <p
        className="rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono text-sm break-all dark:border-zinc-700 dark:bg-zinc-900"
        data-testid="elicitation-url"
      >
        <span className="text-zinc-500">{shown.scheme}</span>
        <span className="text-zinc-700 dark:text-zinc-300">{shown.host.slice(0, hostStart)}</span>
        <strong className="font-bold text-zinc-950 dark:text-white" data-testid="elicitation-url-domain">
          {shown.domain}
        </strong>
        <span className="text-zinc-700 dark:text-zinc-300">{shown.host.slice(hostStart + shown.domain.length)}</span>
        <span className="text-zinc-500">{shown.rest}</span>
      </p>
      {shown.warning && (
        <p role="alert" className="text-sm font-medium text-red-800 dark:text-red-300">
          {shown.warning}
        </p>
      )}
      <AnswerButtons busy={busy} canAccept accept={{ label: "Open link", onClick: open }} onAnswer={onAnswer} />
    </div>
  );
}
