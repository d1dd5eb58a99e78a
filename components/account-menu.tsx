"use client";

import { useState } from "react";
import type { SignedInUser } from "@/lib/auth/signed-in-user";

/** Who is signed in, and Sign out (which ends the session on the server, then goes to the sign-in page). */
export function AccountMenu({ user }: { user: SignedInUser }) {
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).catch(() => {});
    // A full load, not a client-side push: nothing of the signed-out person's conversations stays in memory.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.href = "/sign-in";
  }

  return (
    <div className="flex shrink-0 items-center gap-2 text-xs">
      <span data-testid="signed-in-user">
        <span className="font-medium">{user.name}</span> <span className="text-zinc-500 dark:text-zinc-400">({user.role})</span>
      </span>
      <button
        type="button"
        onClick={signOut}
        disabled={busy}
        className="rounded-md border border-zinc-300 px-2 py-1 hover:bg-zinc-100 disabled:opacity-60 dark:border-zinc-700 dark:hover:bg-zinc-800"
      >
        Sign out
      </button>
    </div>
  );
}
