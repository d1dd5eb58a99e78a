import type { Metadata } from "next";
import { SignInForm } from "@/components/sign-in-form";

export const metadata: Metadata = { title: "Sign in · elicit-chat" };

/** Where proxy.ts sends a page request without a valid session; `next` is where to go back to afterwards. */
export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <main className="mx-auto flex min-h-dvh w-full max-w-sm flex-col justify-center gap-6 px-4">
      <h1 className="text-xl font-semibold tracking-tight">Sign in to elicit-chat</h1>
      <SignInForm next={localPath(typeof next === "string" ? next : undefined)} />
    </main>
  );
}

/** Only a path on this site: `//evil.example` or `https://...` would send the person elsewhere after signing in. */
function localPath(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}
