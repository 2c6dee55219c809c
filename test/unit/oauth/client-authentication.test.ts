import { describe, expect, it } from "vitest";
import {
  basicChallenge,
  checkRegisteredAuthMethod,
  extractClientCredentials,
} from "../../../server/oauth/client-authentication.ts";
import { InvalidClientError } from "../../../server/oauth/errors.ts";

const basic = (raw: string) => `Basic ${Buffer.from(raw, "utf8").toString("base64")}`;
const form = (body: string) => new URLSearchParams(body);
const failure = (code: string, description?: RegExp) =>
  expect.objectContaining({ code, ...(description ? { description: expect.stringMatching(description) } : {}) });

describe("extractClientCredentials", () => {
  it("reads client_secret_basic", () => {
    expect(extractClientCredentials(basic("app_1:s3cret"), form(""))).toEqual({
      method: "client_secret_basic",
      clientId: "app_1",
      clientSecret: "s3cret",
    });
  });

  it("form-decodes both halves of Basic credentials, + as space, so a secret may hold a colon", () => {
    expect(extractClientCredentials(basic("my+app%3Ax:a%3Ab+c%25"), form(""))).toEqual({
      method: "client_secret_basic",
      clientId: "my app:x",
      clientSecret: "a:b c%",
    });
  });

  it("accepts the scheme name in any case", () => {
    const header = basic("app_1:s").replace("Basic", "bAsIc");
    expect(extractClientCredentials(header, form("")).method).toBe("client_secret_basic");
  });

  it("reads client_secret_post and public clients by client_id alone", () => {
    expect(extractClientCredentials(undefined, form("client_id=app_1&client_secret=s"))).toEqual({
      method: "client_secret_post",
      clientId: "app_1",
      clientSecret: "s",
    });
    expect(extractClientCredentials(undefined, form("client_id=app_1"))).toEqual({ method: "none", clientId: "app_1" });
  });

  it("refuses malformed Basic credentials as invalid_client without echoing them", () => {
    for (const header of [
      "Basic",
      "Basic !!!",
      "Basic YXBw", // "app": no colon
      basic(":secret"),
      basic("app:"),
      basic("app%zz:secret"),
      `Basic ${Buffer.from([0x61, 0x3a, 0xff]).toString("base64")}`,
      "Bearer abc",
    ]) {
      expect(() => extractClientCredentials(header, form("")), header).toThrow(failure("invalid_client"));
    }
    expect(() => extractClientCredentials(basic("app:hunter2%zz"), form(""))).toThrow(
      expect.objectContaining({ description: expect.not.stringContaining("hunter2") }),
    );
  });

  it("refuses two authentication methods in one request", () => {
    expect(() => extractClientCredentials(basic("app_1:s"), form("client_secret=s"))).toThrow(
      failure("invalid_request", /use one client authentication method/),
    );
  });

  it("accepts a body client_id equal to Basic's and refuses a different one", () => {
    expect(extractClientCredentials(basic("app_1:s"), form("client_id=app_1")).clientId).toBe("app_1");
    expect(() => extractClientCredentials(basic("app_1:s"), form("client_id=app_2"))).toThrow(
      failure("invalid_request", /does not match/),
    );
  });

  it("requires a client id", () => {
    expect(() => extractClientCredentials(undefined, form("client_secret=s"))).toThrow(
      failure("invalid_client", /^client authentication is required$/),
    );
    expect(() => extractClientCredentials(undefined, form(""))).toThrow(failure("invalid_client"));
  });

  it("rejects a repeated client_id or client_secret", () => {
    expect(() => extractClientCredentials(undefined, form("client_id=a&client_id=b"))).toThrow(
      failure("invalid_request", /"client_id" parameter must not be repeated/),
    );
    expect(() => extractClientCredentials(basic("a:s"), form("client_secret=x&client_secret=y"))).toThrow(
      failure("invalid_request", /"client_secret" parameter must not be repeated/),
    );
  });
});

describe("basicChallenge", () => {
  it("names the realm, escaping quotes", () => {
    expect(basicChallenge("latch")).toBe('Basic realm="latch", charset="UTF-8"');
    expect(basicChallenge('a"b')).toBe('Basic realm="a\\"b", charset="UTF-8"');
  });
});

describe("checkRegisteredAuthMethod (RFC 7591 §2 token_endpoint_auth_method)", () => {
  it("accepts the registered method, and either secret method for any", () => {
    expect(() => checkRegisteredAuthMethod("client_secret_basic", "client_secret_basic")).not.toThrow();
    expect(() => checkRegisteredAuthMethod("client_secret_post", "client_secret_post")).not.toThrow();
    expect(() => checkRegisteredAuthMethod("any", "client_secret_basic")).not.toThrow();
    expect(() => checkRegisteredAuthMethod("any", "client_secret_post")).not.toThrow();
  });
  it("refuses the other method with invalid_client", () => {
    expect(() => checkRegisteredAuthMethod("client_secret_basic", "client_secret_post")).toThrow(InvalidClientError);
    expect(() => checkRegisteredAuthMethod("client_secret_post", "client_secret_basic")).toThrow(InvalidClientError);
  });
});
