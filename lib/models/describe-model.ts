import "server-only";
import { DEFAULT_OPENAI_MODEL } from "./select-model";

export interface ModelDescription {
  label: string;
  offline: boolean;
}

/** What the header shows about the active model, without building one. */
export function describeModel(env: Record<string, string | undefined> = process.env): ModelDescription {
  const baseURL = env.OPENAI_BASE_URL?.trim();
  if (!env.OPENAI_API_KEY?.trim() && !baseURL) return { label: "Offline demo model", offline: true };
  const modelId = env.OPENAI_MODEL?.trim() || DEFAULT_OPENAI_MODEL;
  return { label: baseURL ? `${modelId} at ${safeHost(baseURL)}` : `${modelId} (OpenAI)`, offline: false };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "a custom base URL";
  }
}
