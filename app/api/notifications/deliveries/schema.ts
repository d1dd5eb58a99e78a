import { z } from "zod";

/** GET /api/notifications/deliveries?questionId=&limit= */
export const deliveriesQuerySchema = z.strictObject({
  questionId: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
