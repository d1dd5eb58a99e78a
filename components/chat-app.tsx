"use client";

import { AssistantRuntimeProvider } from "@assistant-ui/react";
import { useChatRuntime } from "@assistant-ui/react-ai-sdk";
import { useEffect, useState } from "react";
import { createChatTransport, openSession, saveMessages, type ChatSession } from "./chat-session";
import { Thread } from "./thread";

const SUGGESTIONS = [
  { title: "List the workspace", label: "runs at once: read-only", prompt: "run `ls -la`" },
  { title: "Make a build folder", label: "asks first: it writes", prompt: "run `mkdir -p build && touch build/app.js`" },
  { title: "Delete the build folder", label: "asks first: it deletes", prompt: "run `rm -rf build`" },
];

function Chat({ session }: { session: ChatSession }) {
  const [transport] = useState(() => createChatTransport(session.threadId));
  const runtime = useChatRuntime({
    transport,
    messages: session.messages,
    suggestions: SUGGESTIONS,
    onFinish: ({ messages }) => saveMessages(session.threadId, messages),
  });
  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <Thread />
    </AssistantRuntimeProvider>
  );
}

/** The chat itself. Browser-only (see chat-client.tsx): it opens the conversation named in the address. */
export function ChatApp() {
  const [session, setSession] = useState<ChatSession>();
  useEffect(() => {
    void openSession().then(setSession);
  }, []);
  return session ? <Chat session={session} /> : <div className="flex-1" aria-busy="true" />;
}
