import { describe, expect, it } from "vitest";
import { mixedScripts, SCRIPTS, validateAppName } from "../../../server/oauth/app-name.ts";

const reason = (name: string) => {
  const result = validateAppName(name);
  return result.ok ? null : result.reason;
};

describe("validateAppName", () => {
  it.each([
    "Acme",
    "Acme Billing 2.0",
    "Café Noir",
    "Cafe\u0301 (decomposed)",
    "O'Reilly & Sons — Tools!",
    "Почта", // all Cyrillic
    "Ελληνικά", // all Greek
    "微信", // Han
    "LINEアプリ", // Latin + Katakana (Japanese)
    "ひらがなカタカナ漢字", // Japanese: Hiragana + Katakana + Han
    "카카오톡 Kakao", // Hangul and Latin in separate words
    "Naver지도", // Latin + Hangul (Korean)
    "注音ㄅㄆ", // Han + Bopomofo
    "Acme Почта", // Latin and Cyrillic, but in separate words
    "مرحبا", // Arabic
    "12345",
  ])("accepts %j", (name) => {
    expect(reason(name)).toBeNull();
  });

  it.each([
    ["\u202E", "lapyaP\u202Eevil"],
    ["\u202A", "Acme\u202A"],
    ["\u2066", "\u2066Acme\u2069"],
    ["\u200E", "Acme\u200E"],
    ["\u200F", "Acme\u200F"],
    ["\u061C", "Acme\u061C"],
  ])("refuses the bidi control %j", (char, name) => {
    expect(reason(name)).toBe(
      `must not contain bidirectional control characters (U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")})`,
    );
  });

  it.each(["Pay\u200Bpal", "Pay\u200Cpal", "Pay\u200Dpal", "Pay\u2060pal", "\uFEFFPaypal"])(
    "refuses the zero-width character in %j",
    (name) => {
      expect(reason(name)).toMatch(/^must not contain zero-width characters \(U\+[0-9A-F]{4}\)$/);
    },
  );

  it.each([
    ["a NUL byte", "Acme\u0000"],
    ["a tab", "Acme\tBilling"],
    ["a newline", "Acme\nBilling"],
    ["DEL", "Acme\u007F"],
    ["a C1 control", "Acme\u0085"],
    ["a soft hyphen", "Pay\u00ADpal"],
    ["a line separator", "Acme\u2028Billing"],
    ["a private-use character", "Acme\uE000"],
    ["a lone surrogate", "Acme\uD800"],
  ])("refuses %s", (_what, name) => {
    expect(reason(name)).toMatch(/^must not contain control or invisible characters \(U\+[0-9A-F]{4}\)$/);
  });

  it.each([
    ["Pаypal", "Latin and Cyrillic"], // Cyrillic а
    ["Аpple", "Cyrillic and Latin"], // Cyrillic А first
    ["Gοogle", "Latin and Greek"], // Greek ο
    ["Acme Pаypal", "Latin and Cyrillic"],
    ["Pay-раl", "Latin and Cyrillic"], // punctuation does not split a word
    ["ひらがな한글", "Hiragana and Hangul"], // Japanese and Korean kana/hangul never mix
  ])("refuses the mixed-script word in %j", (name, scripts) => {
    expect(reason(name)).toMatch(new RegExp(`^must not mix scripts in one word: ".+" mixes ${scripts}$`));
  });

  it("names the offending word", () => {
    expect(reason("Acme Pаypal Pay")).toBe('must not mix scripts in one word: "Pаypal" mixes Latin and Cyrillic');
  });
});

describe("mixedScripts", () => {
  it("ignores Common and Inherited characters (digits, punctuation, combining marks)", () => {
    expect(mixedScripts("123-!?")).toBeUndefined();
    expect(mixedScripts("Акме2")).toBeUndefined();
  });

  it("uses Script_Extensions: the prolonged sound mark goes with Hiragana and Katakana alike", () => {
    expect(mixedScripts("らーめん")).toBeUndefined();
    expect(mixedScripts("ラーメン")).toBeUndefined();
  });

  it("knows the scripts this runtime supports, Latin and Cyrillic among them", () => {
    expect(SCRIPTS).toContain("Latin");
    expect(SCRIPTS).toContain("Cyrillic");
    expect(new Set(SCRIPTS).size).toBe(SCRIPTS.length);
  });
});
