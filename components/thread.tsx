"use client";

import { AuiIf, ComposerPrimitive, MessagePrimitive, ThreadPrimitive } from "@assistant-ui/react";
import { AskExpertToolUI } from "./ask-expert-tool-ui";
import { ElicitationCard } from "./elicitation-card";
import { LazyMarkdownText } from "./lazy-markdown-text";
import { LiveOutput } from "./live-output";
import { RunCommandToolUI } from "./run-command-tool-ui";
import { ServerNotice } from "./server-notice";
import { ToolFallback } from "./tool-fallback";
import { ASK_EXPERT_TOOL } from "@/lib/agent/ask-expert-contract";
import { LIVE_OUTPUT_PART_NAME } from "@/lib/chat/live-output";
import { SERVER_NOTICE_PART_NAME } from "@/lib/chat/server-notice";
import { ELICITATION_PART_NAME } from "@/lib/elicitation/contract";
import { RUN_COMMAND_TOOL_KEY } from "@/lib/mcp/tool-names";

// Module scope: the parts renderer memoizes on this object.
const ASSISTANT_PARTS = {
  Text: LazyMarkdownText,
  tools: { by_name: { [RUN_COMMAND_TOOL_KEY]: RunCommandToolUI, [ASK_EXPERT_TOOL]: AskExpertToolUI }, Fallback: ToolFallback },
  // data-expert-status parts are not drawn on their own: the ask_expert card reads them (ask-expert-tool-ui.tsx).
  data: {
    by_name: { [ELICITATION_PART_NAME]: ElicitationCard, [LIVE_OUTPUT_PART_NAME]: LiveOutput, [SERVER_NOTICE_PART_NAME]: ServerNotice },
  },
};

function UserMessage() {
  return (
    <MessagePrimitive.Root className="flex justify-end" data-role="user">
      <div className="max-w-[85%] rounded-2xl rounded-br-md bg-zinc-100 px-4 py-2.5 whitespace-pre-wrap break-words dark:bg-zinc-800">
        <MessagePrimitive.Parts />
      </div>
    </MessagePrimitive.Root>
  );
}

function AssistantMessage() {
  return (
    <MessagePrimitive.Root className="flex flex-col gap-3" data-role="assistant">
      <MessagePrimitive.Parts components={ASSISTANT_PARTS} />
      <MessagePrimitive.Error>
        <p
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          The reply failed. Check the server log, then try again.
        </p>
      </MessagePrimitive.Error>
    </MessagePrimitive.Root>
  );
}

function Welcome() {
  return (
    <div className="mx-auto flex w-full max-w-3xl flex-1 flex-col justify-center gap-6 px-4 py-10">
      <div>
        <h2 className="text-2xl font-semibold tracking-tight">Run commands, keep the last word</h2>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">
          The agent runs read-only shell commands in the workspace at once. Anything that could delete, write or kill waits for your
          approval on a card right here.
        </p>
      </div>
      <div className="grid gap-2 sm:grid-cols-3">
        <ThreadPrimitive.Suggestions>
          {({ suggestion }) => (
            <ThreadPrimitive.Suggestion
              prompt={suggestion.prompt}
              send
              className="rounded-xl border border-zinc-200 px-3 py-2.5 text-left text-sm transition hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-blue-500 dark:border-zinc-800 dark:hover:bg-zinc-900"
            >
              <span className="block font-medium">{suggestion.title}</span>
              <span className="block text-zinc-500 dark:text-zinc-400">{suggestion.label}</span>
            </ThreadPrimitive.Suggestion>
          )}
        </ThreadPrimitive.Suggestions>
      </div>
    </div>
  );
}

function Composer() {
  return (
    <ComposerPrimitive.Root className="mx-auto flex w-full max-w-3xl items-end gap-2 rounded-2xl border border-zinc-300 bg-white p-2 shadow-sm focus-within:border-zinc-500 dark:border-zinc-700 dark:bg-zinc-900">
      <ComposerPrimitive.Input
        placeholder="Ask the agent to run something, e.g. run `ls -la`"
        aria-label="Message"
        autoFocus
        rows={1}
        className="max-h-40 min-h-10 flex-1 resize-none bg-transparent px-2 py-2 text-[15px] outline-none placeholder:text-zinc-400"
      />
      <AuiIf condition={(s) => !s.thread.isRunning}>
        <ComposerPrimitive.Send className="h-10 rounded-xl bg-zinc-900 px-4 text-sm font-medium text-white disabled:opacity-40 dark:bg-zinc-100 dark:text-zinc-900">
          Send
        </ComposerPrimitive.Send>
      </AuiIf>
      <AuiIf condition={(s) => s.thread.isRunning}>
        <ComposerPrimitive.Cancel className="h-10 rounded-xl border border-zinc-300 px-4 text-sm font-medium dark:border-zinc-700">
          Stop
        </ComposerPrimitive.Cancel>
      </AuiIf>
    </ComposerPrimitive.Root>
  );
}

export function Thread() {
  return (
    <ThreadPrimitive.Root className="flex min-h-0 flex-1 flex-col">
      <ThreadPrimitive.Viewport className="flex min-h-0 flex-1 flex-col overflow-y-auto">
        <AuiIf condition={(s) => s.thread.isEmpty}>
          <Welcome />
        </AuiIf>
        <div className="mx-auto flex w-full max-w-3xl flex-col gap-6 px-4 py-6">
          <ThreadPrimitive.Messages>
            {({ message }) => (message.role === "user" ? <UserMessage /> : <AssistantMessage />)}
          </ThreadPrimitive.Messages>
        </div>
        <ThreadPrimitive.ViewportFooter className="sticky bottom-0 mt-auto bg-gradient-to-t from-white from-70% px-3 pt-4 pb-3 dark:from-zinc-950">
          <div className="mx-auto mb-2 flex max-w-3xl justify-center">
            <ThreadPrimitive.ScrollToBottom className="rounded-full border border-zinc-300 bg-white px-3 py-1 text-xs shadow-sm disabled:hidden dark:border-zinc-700 dark:bg-zinc-900">
              Jump to latest
            </ThreadPrimitive.ScrollToBottom>
          </div>
          <Composer />
        </ThreadPrimitive.ViewportFooter>
      </ThreadPrimitive.Viewport>
    </ThreadPrimitive.Root>
  );
}
