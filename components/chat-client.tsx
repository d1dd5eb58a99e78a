"use client";

import dynamic from "next/dynamic";

/**
 * The chat renders in the browser only: which conversation it shows comes from the address (a new one gets a fresh
 * id there) and its messages from the API, and the turn in flight from this tab's sessionStorage, which the server
 * cannot see; a server render would never match the first client render.
 */
export const ChatClient = dynamic(() => import("./chat-app").then((m) => m.ChatApp), {
  ssr: false,
  loading: () => <div className="flex-1" aria-busy="true" />,
});
