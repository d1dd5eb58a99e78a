import "server-only";
import { remoteModelSettings, type RemoteModelSettings } from "./model-settings";

export interface ModelDescription {
  label: string;
  offline: boolean;
}

/** What the header shows about the active model, without building one. */
export function describeModel(env: Record<string, string | undefined> = process.env): ModelDescription {
  return describeModelSettings(remoteModelSettings(env));
}

/** The same, for settings already read (AppConfig's `model`). */
export function describeModelSettings(settings: RemoteModelSettings | undefined): ModelDescription {
  if (!settings) return { label: "Offline demo model", offline: true };
  const where = settings.baseURL ? `at ${safeHost(settings.baseURL)}` : "(OpenAI)";
  return { label: `${settings.modelId} ${where}`, offline: false };
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "a custom base URL";
  }
}
