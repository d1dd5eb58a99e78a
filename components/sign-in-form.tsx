"use client";

import { useState, type FormEvent } from "react";

const SIGN_IN_URL = "/api/auth/sign-in/username";

/** Name and password; a wrong pair or a refusal is announced (role="alert") and the password field is cleared. */
export function SignInForm({ next }: { next: string }) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch(SIGN_IN_URL, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: String(data.get("name") ?? ""), password: String(data.get("password") ?? "") }),
      });
      if (response.ok) {
        window.location.assign(next);
        return;
      }
      setError(response.status === 429 ? "Too many attempts. Wait a minute, then try again." : "Wrong name or password.");
    } catch {
      setError("The server could not be reached. Try again.");
    }
    (form.elements.namedItem("password") as HTMLInputElement | null)?.select();
    setBusy(false);
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" aria-describedby={error ? "sign-in-error" : undefined}>
      <div className="flex flex-col gap-1">
        <label htmlFor="sign-in-name" className="text-sm font-medium">
          Name
        </label>
        <input
          id="sign-in-name"
          name="name"
          autoComplete="username"
          autoCapitalize="none"
          required
          autoFocus
          className="rounded-md border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
        />
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="sign-in-password" className="text-sm font-medium">
          Password
        </label>
        <input
          id="sign-in-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="rounded-md border border-zinc-300 bg-transparent px-3 py-2 dark:border-zinc-700"
        />
      </div>
      <p id="sign-in-error" role="alert" className="min-h-5 text-sm text-red-700 dark:text-red-400">
        {error}
      </p>
      <button
        type="submit"
        disabled={busy}
        className="rounded-md bg-zinc-900 px-3 py-2 font-medium text-white disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900"
      >
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
