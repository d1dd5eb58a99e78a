import { describe, expect, it } from "vitest";
import { describeModel } from "./describe-model";
import { OfflineModel } from "./offline-model";
import { selectModel } from "./select-model";

describe("model selection", () => {
  it("uses the offline model without a key or base URL, empty values included", () => {
    expect(selectModel({})).toBeInstanceOf(OfflineModel);
    expect(selectModel({ OPENAI_API_KEY: " ", OPENAI_BASE_URL: "" })).toBeInstanceOf(OfflineModel);
    expect(describeModel({ OPENAI_BASE_URL: "" })).toEqual({ label: "Offline demo model", offline: true });
  });

  it("uses OpenAI's Responses API with a key, and the chosen model", () => {
    const model = selectModel({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-test" });
    expect(model).toMatchObject({ modelId: "gpt-test", provider: "openai.responses" });
    expect(describeModel({ OPENAI_API_KEY: "sk-test", OPENAI_MODEL: "gpt-test" })).toEqual({ label: "gpt-test (OpenAI)", offline: false });
  });

  it("uses Chat Completions for an OpenAI-compatible base URL, with no key needed", () => {
    const env = { OPENAI_BASE_URL: "http://127.0.0.1:11434/v1", OPENAI_MODEL: "llama3.2" };
    expect(selectModel(env)).toMatchObject({ modelId: "llama3.2", provider: "openai.chat" });
    expect(describeModel(env).label).toBe("llama3.2 at 127.0.0.1:11434");
  });
});
