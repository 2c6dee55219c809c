import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../server/logger.ts";

function capture() {
  const lines: Record<string, any>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, logger: createLogger("info", stream) };
}

describe("logger", () => {
  it("writes one JSON object per line with level, time and message", () => {
    const { lines, logger } = capture();
    logger.info({ clientId: "latch_client_1" }, "token issued");
    expect(lines[0]).toMatchObject({ level: 30, service: "latch", clientId: "latch_client_1", msg: "token issued" });
    expect(new Date(lines[0]!.time).toISOString()).toBe(lines[0]!.time);
  });

  it("redacts credentials wherever they appear", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        req: { headers: { authorization: "Bearer latch_ak_secret", cookie: "latch_session=abc" } },
        body: { client_secret: "latch_cs_x", refresh_token: "latch_rt_y", code: "latch_ac_z", password: "hunter2" },
        upstream: { accessToken: "ya29.secret" },
      },
      "request",
    );
    const text = JSON.stringify(lines[0]);
    for (const secret of [
      "latch_ak_secret",
      "latch_session=abc",
      "latch_cs_x",
      "latch_rt_y",
      "latch_ac_z",
      "hunter2",
      "ya29.secret",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(lines[0]!.body.client_secret).toBe("[redacted]");
  });
});
