import { describe, expect, it } from "vitest";
import { timeLeft } from "./use-countdown";

describe("timeLeft", () => {
  it("says minutes and seconds under an hour, hours and minutes under a day, days and hours beyond", () => {
    expect(timeLeft(0)).toBe("0:00");
    expect(timeLeft(299)).toBe("4:59");
    expect(timeLeft(3_599)).toBe("59:59");
    expect(timeLeft(3_600)).toBe("1 h 0 min");
    expect(timeLeft(5 * 3_600 + 12 * 60 + 30)).toBe("5 h 12 min");
    // A durable question's week, less a little.
    expect(timeLeft(7 * 86_400 - 3_600)).toBe("6 d 23 h");
  });
});
