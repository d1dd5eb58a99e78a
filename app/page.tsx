import { connection } from "next/server";
import { ChatClient } from "@/components/chat-client";
import { ChatHeader } from "@/components/chat-header";
import { describeModelSettings } from "@/lib/models/describe-model";
import { serverState } from "@/lib/server-state";

export default async function Home() {
  // Rendered per request: the model depends on the environment the server runs with, not the one it was built in.
  await connection();
  return (
    <div className="flex h-dvh flex-col">
      <ChatHeader model={describeModelSettings(serverState().config.model)} />
      <ChatClient />
    </div>
  );
}
