import { connection } from "next/server";
import { ChatApp } from "@/components/chat-app";
import { describeModel } from "@/lib/models/describe-model";

export default async function Home() {
  // Rendered per request: the model depends on the environment the server runs with, not the one it was built in.
  await connection();
  return <ChatApp model={describeModel()} />;
}
