import { connection } from "next/server";
import { ChatClient } from "@/components/chat-client";
import { ChatHeader } from "@/components/chat-header";
import { describeModel } from "@/lib/models/describe-model";

export default async function Home() {
  // Rendered per request: the model depends on the environment the server runs with, not the one it was built in.
  await connection();
  return (
    <div className="flex h-dvh flex-col">
      <ChatHeader model={describeModel()} />
      <ChatClient />
    </div>
  );
}
