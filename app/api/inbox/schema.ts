export { inboxQuerySchema } from "@/lib/review/contract";
