import type { ModelDescription } from "@/lib/models/describe-model";

export function ChatHeader({ model }: { model: ModelDescription }) {
  return (
    <header className="flex items-center justify-between gap-3 border-b border-zinc-200 px-4 py-2.5 dark:border-zinc-800">
      <h1 className="text-base font-semibold tracking-tight">elicit-chat</h1>
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
    </header>
  );
}
