import { z } from "zod";

/** requester: chats, answers own conversations; reviewer: answers what is routed to them; admin: users, routing, audit. */
export const ROLES = ["requester", "reviewer", "admin"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** A stored role the app does not know (an edited row) gets the least power, never more. */
export function roleOf(value: unknown): Role {
  const parsed = roleSchema.safeParse(value);
  return parsed.success ? parsed.data : "requester";
}
