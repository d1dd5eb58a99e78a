"use client";

import { useEffect, useState } from "react";

/** Time left until `deadline` (epoch ms), as m:ss, refreshed every second. */
export function useCountdown(deadline: number): { label: string; over: boolean } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1_000));
  return { label: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`, over: seconds === 0 };
}
