"use client";

import { useEffect, useState } from "react";

/** Time left until `deadline` (epoch ms): m:ss under an hour, else "5 h 12 min" or "6 d 23 h"; refreshed every second. */
export function useCountdown(deadline: number): { label: string; over: boolean } {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1_000));
  return { label: timeLeft(seconds), over: seconds === 0 };
}

export function timeLeft(seconds: number): string {
  if (seconds >= 86_400) return `${Math.floor(seconds / 86_400)} d ${Math.floor((seconds % 86_400) / 3_600)} h`;
  if (seconds >= 3_600) return `${Math.floor(seconds / 3_600)} h ${Math.floor((seconds % 3_600) / 60)} min`;
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}
