import "server-only";

export const DEFAULT_OPENAI_MODEL = "gpt-5-mini";

/** A real model's settings from the environment, or undefined for the offline model. Empty means unset. */
export interface RemoteModelSettings {
  apiKey?: string;
  /** Set for OpenAI-compatible servers (Ollama, LM Studio, vLLM, llama.cpp): they speak Chat Completions. */
  baseURL?: string;
  modelId: string;
}

export function remoteModelSettings(env: Record<string, string | undefined> = process.env): RemoteModelSettings | undefined {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  if (!apiKey && !baseURL) return undefined;
  return { apiKey, baseURL, modelId: env.OPENAI_MODEL?.trim() || DEFAULT_OPENAI_MODEL };
}
