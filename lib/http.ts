import "server-only";
import type { z } from "zod";
import { ApiError } from "./errors";

/**
 * Reads a JSON body and validates it, turning every way it can be wrong into a 4xx ApiError that says what:
 * wrong content type (415), too large (413), not JSON (400), not the expected shape (400, with the fields).
 */
export async function readJsonBody<T extends z.ZodType>(request: Request, schema: T, maxBytes: number): Promise<z.infer<T>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ApiError("unsupported_media_type", "Send the body as JSON with Content-Type: application/json.");
  }
  const text = await readLimitedText(request, maxBytes);

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "The body is not valid JSON.");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    const first = issues[0];
    throw new ApiError("bad_request", `Invalid body${first ? `: ${first.path || "(root)"}: ${first.message}` : ""}.`, {
      details: issues,
    });
  }
  return parsed.data;
}

/**
 * The body as text, at most `maxBytes` (413 beyond): a declared length is refused before reading, and a chunked
 * body without one is read with a running count, so it cannot run past the limit either.
 */
export async function readLimitedText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    size += next.value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    parts.push(next.value);
  }
  return Buffer.concat(parts).toString("utf8");
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError("payload_too_large", `The body is larger than ${Math.round(maxBytes / 1024)} KB.`);
}
