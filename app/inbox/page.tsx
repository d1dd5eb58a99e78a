import type { Metadata } from "next";
import { InboxApp } from "@/components/inbox-app";

export const metadata: Metadata = { title: "Inbox · elicit-chat" };

/** The reviewer inbox: every question waiting for the signed-in person, live. `?question=<id>` opens one. */
export default async function InboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { question } = await searchParams;
  return <InboxApp initialQuestion={typeof question === "string" ? question : undefined} />;
}
