import "server-only";
import { createOpenAI } from "@ai-sdk/openai";
import type { LanguageModelV4 } from "@ai-sdk/provider";
import { remoteModelSettings, type RemoteModelSettings } from "./model-settings";
import { OfflineModel } from "./offline-model";

/**
 * OpenAI when a key or a base URL is set, else the offline model. A custom base URL means an OpenAI-compatible
 * server, and those speak Chat Completions, not the Responses API.
 */
export function selectModel(env: Record<string, string | undefined> = process.env): LanguageModelV4 {
  return modelFor(remoteModelSettings(env));
}

/** The model for settings already read (AppConfig's `model`). */
export function modelFor(settings: RemoteModelSettings | undefined): LanguageModelV4 {
  if (!settings) return new OfflineModel();
  // Local servers usually ignore the key, but the client library insists on one.
  const provider = createOpenAI({ apiKey: settings.apiKey ?? "not-needed", baseURL: settings.baseURL });
  return settings.baseURL ? provider.chat(settings.modelId) : provider(settings.modelId);
}
