import { describe, expect, it } from "vitest";
import {
  checkParamBounds,
  findRepeatedParam,
  MAX_PARAMS,
  readSingleParams,
} from "../../../server/oauth/form-params.ts";

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

describe("checkParamBounds (#20 item 10)", () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => `p${i}=v`).join("&");
  const error = { name: "InvalidRequestError", code: "invalid_request" };

  it(`accepts up to ${MAX_PARAMS} distinct parameters`, () => {
    expect(() => checkParamBounds(new URLSearchParams(many(MAX_PARAMS)))).not.toThrow();
    expect(() => checkParamBounds(new URLSearchParams(""))).not.toThrow();
  });

  it("refuses one parameter more", () => {
    expect(() => checkParamBounds(new URLSearchParams(many(MAX_PARAMS + 1)))).toThrow(
      expect.objectContaining({ ...error, description: expect.stringMatching(/at most 100 parameters/) }),
    );
  });

  it("refuses any repeated parameter, known or not, even with empty values", () => {
    for (const query of ["foo=1&foo=2", "grant_type=x&extra=&extra=", "a=1&b=2&a=1"]) {
      expect(() => checkParamBounds(new URLSearchParams(query)), query).toThrow(expect.objectContaining(error));
    }
    expect(findRepeatedParam(new URLSearchParams("a=1&b=2&b=3&a=4"))).toBe("b");
  });
});
