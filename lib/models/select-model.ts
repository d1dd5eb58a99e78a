import "server-only";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { OfflineModel } from "./offline-model";

export const DEFAULT_OPENAI_MODEL = "gpt-5-mini";

/**
 * OpenAI when a key or a base URL is set, else the offline model. A custom base URL means an OpenAI-compatible
 * server (Ollama, LM Studio, vLLM, llama.cpp), and those speak Chat Completions, not the Responses API.
 */
export function selectModel(env: Record<string, string | undefined> = process.env): LanguageModelV4 {
  const apiKey = env.OPENAI_API_KEY?.trim();
  const baseURL = env.OPENAI_BASE_URL?.trim();
  if (!apiKey && !baseURL) return new OfflineModel();

  const modelId = env.OPENAI_MODEL?.trim() || DEFAULT_OPENAI_MODEL;
  // Local servers usually ignore the key, but the client library insists on one.
  const provider = createOpenAI({ apiKey: apiKey || "not-needed", baseURL: baseURL || undefined });
  return baseURL ? provider.chat(modelId) : provider(modelId);
}
