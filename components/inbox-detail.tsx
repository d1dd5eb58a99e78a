"use client";

import { useEffect, useState } from "react";
import type { ElicitationData } from "@/lib/elicitation/contract";
import { inboxPaths, questionContextSchema, type QuestionContext } from "@/lib/review/contract";
import { StandaloneElicitationCard } from "./elicitation-card";

/** The conversation's last messages (text only), for context: fetched once per question (keyed by its id). */
function ContextMessages({ questionId }: { questionId: string }) {
  const [context, setContext] = useState<QuestionContext | "unavailable">();
  useEffect(() => {
    let live = true;
    void fetch(inboxPaths.context(questionId))
      .then(async (response) => (response.ok ? questionContextSchema.parse(await response.json()) : "unavailable"))
      .catch(() => "unavailable" as const)
      .then((value) => live && setContext(value));
    return () => {
      live = false;
    };
  }, [questionId]);
  if (context === undefined) return <p className="text-sm text-zinc-600 dark:text-zinc-400">Loading the conversation…</p>;
  if (context === "unavailable" || context.messages.length === 0) {
    return <p className="text-sm text-zinc-600 dark:text-zinc-400">No messages to show.</p>;
  }
  return (
    <ol className="flex flex-col gap-2" data-testid="inbox-context">
      {context.messages.map((message) => (
        <li key={message.id} className="rounded-lg border border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800">
          <span className="block text-xs font-semibold text-zinc-600 uppercase dark:text-zinc-400">{message.role}</span>
          <span className="whitespace-pre-wrap">{message.text}</span>
        </li>
      ))}
    </ol>
  );
}

/** The selected question: the same card as in the chat, then the conversation's last messages. */
export function InboxDetail({ data, mayAnswer }: { data: ElicitationData; mayAnswer: boolean }) {
  return (
    <div className="flex flex-col gap-4" data-testid="inbox-detail">
      <StandaloneElicitationCard key={data.id} data={data} mayAnswer={mayAnswer} />
      <section aria-labelledby="inbox-context-heading" className="flex flex-col gap-2">
        <h2 id="inbox-context-heading" className="text-sm font-semibold">
          Last messages of the conversation
        </h2>
        {data.status === "pending" ? (
          <ContextMessages key={data.id} questionId={data.id} />
        ) : (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Answered.</p>
        )}
      </section>
    </div>
  );
}
