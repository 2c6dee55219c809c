import { describe, expect, it } from "vitest";
import { passwordProblem } from "../../../server/services/users/password-policy.ts";

describe("passwordProblem (NIST SP 800-63B §5.1.1.2)", () => {
  it("refuses fewer than 8 characters, counted as code points", () => {
    expect(passwordProblem("short12")).toMatch(/at least 8/);
    // Four emoji are 8 UTF-16 units but 4 characters.
    expect(passwordProblem("😀😀😀😀")).toMatch(/at least 8/);
  });

  it("refuses passwords from the common-passwords list whatever their case", () => {
    expect(passwordProblem("password1")).toMatch(/too common/);
    expect(passwordProblem("PassWord123")).toMatch(/too common/);
    expect(passwordProblem("qwertyuiop")).toMatch(/too common/);
  });

  it("imposes no composition rule: a long lowercase passphrase is fine", () => {
    expect(passwordProblem("correct horse battery staple")).toBeNull();
    expect(passwordProblem("zebra lantern quietly")).toBeNull();
  });

  it("refuses the account's own address or its local part", () => {
    expect(passwordProblem("someone.long@example.com", { email: "Someone.Long@example.com" })).toMatch(/email/);
    expect(passwordProblem("someone.long", { email: "someone.long@example.com" })).toMatch(/email/);
  });

  it("refuses more than 1024 characters", () => {
    expect(passwordProblem("x".repeat(1025))).toMatch(/at most/);
  });
});
