import { describe, expect, it } from "vitest";
import { findRepeatedParam, readSingleParams } from "../../../server/oauth/form-params.ts";

describe("readSingleParams", () => {
  it("reads the listed parameters and ignores the others", () => {
    const params = new URLSearchParams("grant_type=authorization_code&code=abc&extra=1&extra=2");
    expect(readSingleParams(params, ["grant_type", "code", "redirect_uri"])).toEqual({
      grant_type: "authorization_code",
      code: "abc",
      redirect_uri: undefined,
    });
  });

  it("treats an empty value as absent", () => {
    expect(readSingleParams(new URLSearchParams("scope="), ["scope"])).toEqual({ scope: undefined });
  });

  it("rejects a repeated parameter, even when one of the values is empty", () => {
    const error = { name: "InvalidRequestError", code: "invalid_request" };
    expect(() => readSingleParams(new URLSearchParams("code=a&code=b"), ["code"])).toThrow(
      expect.objectContaining({ ...error, description: '"code" parameter must not be repeated' }),
    );
    expect(() => readSingleParams(new URLSearchParams("code=&code=b"), ["code"])).toThrow(
      expect.objectContaining(error),
    );
  });

  it("cannot be tricked into touching the prototype", () => {
    const result = readSingleParams(new URLSearchParams("__proto__=x"), ["__proto__"]);
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, "__proto__")).toBe(true);
  });
});

describe("findRepeatedParam", () => {
  it("names the first repeated parameter in the order given", () => {
    const params = new URLSearchParams("a=1&b=1&b=2&a=2");
    expect(findRepeatedParam(params, ["b", "a"])).toBe("b");
    expect(findRepeatedParam(params, ["c"])).toBeUndefined();
  });
});
