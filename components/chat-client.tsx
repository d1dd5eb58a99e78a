"use client";

import dynamic from "next/dynamic";

/**
 * The chat renders in the browser only: it restores the conversation from this tab's sessionStorage, which the
 * server cannot see, so a server render would never match the first client render.
 */
export const ChatClient = dynamic(() => import("./chat-app").then((m) => m.ChatApp), {
  ssr: false,
  loading: () => <div className="flex-1" aria-busy="true" />,
});
