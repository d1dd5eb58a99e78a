"use client";

import { AssistantRuntimeProvider } from "@assistant-ui/react";
import { useChatRuntime } from "@assistant-ui/react-ai-sdk";
import { useState } from "react";
import { createChatTransport, loadMessages, saveMessages } from "./chat-session";
import { Thread } from "./thread";

const SUGGESTIONS = [
  { title: "List the workspace", label: "runs at once: read-only", prompt: "run `ls -la`" },
  { title: "Make a build folder", label: "asks first: it writes", prompt: "run `mkdir -p build && touch build/app.js`" },
  { title: "Delete the build folder", label: "asks first: it deletes", prompt: "run `rm -rf build`" },
];

/** The chat itself. Browser-only (see chat-client.tsx): it restores the tab's conversation from sessionStorage. */
export function ChatApp() {
  const [transport] = useState(createChatTransport);
  const [messages] = useState(loadMessages);
  const runtime = useChatRuntime({
    transport,
    messages,
    suggestions: SUGGESTIONS,
    onFinish: ({ messages: all }) => saveMessages(all),
  });

  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <Thread />
    </AssistantRuntimeProvider>
  );
}
