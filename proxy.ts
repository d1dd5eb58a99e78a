import { NextResponse, type NextRequest } from "next/server";
import { refusalReason } from "@/lib/local-origin";

/** Every API call must come from a page served under an allowed host: see lib/local-origin.ts. */
export function proxy(request: NextRequest) {
  const reason = refusalReason(request.headers);
  if (!reason) return NextResponse.next();
  return NextResponse.json({ error: { code: "forbidden", message: `Forbidden: ${reason}.` } }, { status: 403 });
}

export const config = { matcher: "/api/:path*" };
