import { NextResponse, type NextRequest } from "next/server";
import { API_ERROR_STATUS, apiErrorBody } from "@/lib/api-contract";
import { refusalReason } from "@/lib/local-origin";

/** Every API call must come from a page served under an allowed host: see lib/local-origin.ts. */
export function proxy(request: NextRequest) {
  const reason = refusalReason(request.headers);
  if (!reason) return NextResponse.next();
  return NextResponse.json(apiErrorBody("forbidden", `Forbidden: ${reason}.`), { status: API_ERROR_STATUS.forbidden });
}

export const config = { matcher: "/api/:path*" };
