import { z } from "zod";
import { roleSchema } from "@/lib/auth/roles";

/**
 * proxy.ts tells the page who is signed in through this request header (set from the verified session, and
 * always replaced, so a browser cannot supply its own). The header only feeds what the page displays.
 */
export const SIGNED_IN_USER_HEADER = "x-elicit-chat-user";

export const signedInUserSchema = z.object({ name: z.string(), role: roleSchema });
export type SignedInUser = z.infer<typeof signedInUserSchema>;

export function encodeSignedInUser(user: SignedInUser): string {
  return encodeURIComponent(JSON.stringify(user));
}

export function decodeSignedInUser(value: string | null): SignedInUser | undefined {
  if (!value) return undefined;
  try {
    const parsed = signedInUserSchema.safeParse(JSON.parse(decodeURIComponent(value)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
