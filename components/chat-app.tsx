"use client";

import { AssistantRuntimeProvider } from "@assistant-ui/react";
import { AssistantChatTransport, useChatRuntime } from "@assistant-ui/react-ai-sdk";
import { useState } from "react";
import type { ModelDescription } from "@/lib/models/describe-model";
import { Thread } from "./thread";

const SUGGESTIONS = [
  { title: "List the workspace", label: "runs at once: read-only", prompt: "run `ls -la`" },
  { title: "Make a build folder", label: "asks first: it writes", prompt: "run `mkdir -p build && touch build/app.js`" },
  { title: "Delete the build folder", label: "asks first: it deletes", prompt: "run `rm -rf build`" },
];

export function ChatApp({ model }: { model: ModelDescription }) {
  const [transport] = useState(() => new AssistantChatTransport({ api: "/api/chat" }));
  const runtime = useChatRuntime({ transport, suggestions: SUGGESTIONS });

  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <div className="flex h-dvh flex-col">
        <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
          <h1 className="text-base font-semibold tracking-tight">elicit-chat</h1>
          <p className="truncate text-xs text-zinc-500 dark:text-zinc-400" data-testid="model-label">
            <span className="mr-1.5 inline-block size-2 rounded-full bg-emerald-500 align-middle" aria-hidden />
            {model.offline ? (
              <>
                Offline demo model <span className="hidden sm:inline">· set OPENAI_API_KEY for GPT</span>
              </>
            ) : (
              model.label
            )}
          </p>
        </header>
        <Thread />
      </div>
    </AssistantRuntimeProvider>
  );
}
