import { headers } from "next/headers";
import { AccountMenu } from "@/components/account-menu";
import { decodeSignedInUser, SIGNED_IN_USER_HEADER } from "@/lib/auth/signed-in-user";
import type { ModelDescription } from "@/lib/models/describe-model";

export async function ChatHeader({ model }: { model: ModelDescription }) {
  // Set by proxy.ts from the verified session; absent in single-user mode, where there is nobody to sign out.
  const user = decodeSignedInUser((await headers()).get(SIGNED_IN_USER_HEADER));
  return (
    <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
      <h1 className="text-base font-semibold tracking-tight">elicit-chat</h1>
      <div className="flex min-w-0 items-center gap-3">
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
        {user && <AccountMenu user={user} />}
      </div>
    </header>
  );
}
