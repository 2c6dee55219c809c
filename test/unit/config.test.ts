import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../server/config.ts";

const MASTER_KEY = Buffer.alloc(32, 7).toString("base64");

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("defaults to port 4000, an issuer on localhost and the embedded database", () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.publicUrl).toBe("http://localhost:4000");
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve(".latch"));
    expect(config.logLevel).toBe("info");
    expect(config.production).toBe(false);
  });

  it("derives the default issuer from PORT and strips a trailing slash from PUBLIC_URL", () => {
    expect(loadConfig({ PORT: "8080" }).publicUrl).toBe("http://localhost:8080");
    expect(loadConfig({ PUBLIC_URL: "https://auth.example.com/" }).publicUrl).toBe("https://auth.example.com");
  });

  it("bounds database waits by default: 5 s statements, 3 s to connect or get a pooled connection", () => {
    expect(loadConfig({})).toMatchObject({ databaseStatementTimeoutMs: 5000, databaseConnectTimeoutMs: 3000 });
    expect(loadConfig({ LATCH_DB_STATEMENT_TIMEOUT_MS: "0" }).databaseStatementTimeoutMs).toBe(0);
    expect(configError({ LATCH_DB_STATEMENT_TIMEOUT_MS: "-1" }).variable).toBe("LATCH_DB_STATEMENT_TIMEOUT_MS");
    expect(configError({ LATCH_DB_CONNECT_TIMEOUT_MS: "soon" }).variable).toBe("LATCH_DB_CONNECT_TIMEOUT_MS");
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", DATABASE_URL: "", LOG_LEVEL: "" }).port).toBe(4000);
  });

  it("names the variable and the bad value in one line", () => {
    const error = configError({ PORT: "abc" });
    expect(error.variable).toBe("PORT");
    expect(error.message).toMatch(/^Invalid configuration: PORT .*"abc"/);
    expect(error.message).not.toContain("\n");
    expect(configError({ PORT: "70000" }).variable).toBe("PORT");
    expect(configError({ LOG_LEVEL: "loud" }).message).toContain("must be one of fatal, error");
    expect(configError({ PUBLIC_URL: "ftp://x" }).message).toContain("PUBLIC_URL must be an absolute http(s) URL");
    expect(configError({ PUBLIC_URL: "https://x/?a=1" }).variable).toBe("PUBLIC_URL");
    expect(configError({ LATCH_ADMIN_EMAIL: "nope" }).variable).toBe("LATCH_ADMIN_EMAIL");
  });

  it("requires LATCH_MASTER_KEY with DATABASE_URL", () => {
    const error = configError({ DATABASE_URL: "postgres://u:p@db:5432/latch" });
    expect(error.variable).toBe("LATCH_MASTER_KEY");
    expect(error.message).toContain("required when DATABASE_URL is set");
    const config = loadConfig({ DATABASE_URL: "postgres://u:p@db:5432/latch", LATCH_MASTER_KEY: MASTER_KEY });
    expect(config.databaseUrl).toBe("postgres://u:p@db:5432/latch");
  });

  it("never echoes a secret value in the error", () => {
    const error = configError({ DATABASE_URL: "mysql://root:hunter2@db/x" });
    expect(error.variable).toBe("DATABASE_URL");
    expect(error.message).not.toContain("hunter2");
    const short = configError({ LATCH_ADMIN_PASSWORD: "tooshort" });
    expect(short.message).toContain("at least 12 characters");
    expect(short.message).not.toContain("tooshort");
  });

  it("switches on production mode only for NODE_ENV=production", () => {
    expect(loadConfig({ NODE_ENV: "production" }).production).toBe(true);
    expect(loadConfig({ NODE_ENV: "development" }).production).toBe(false);
  });

  it("reads the mail settings, with a From on PUBLIC_URL's host, and never echoes the SMTP URL", () => {
    expect(loadConfig({ PUBLIC_URL: "https://auth.example.com" }).mailFrom).toBe("Latch <no-reply@auth.example.com>");
    const config = loadConfig({
      LATCH_SMTP_URL: "smtps://u:p@mail.example.com",
      LATCH_MAIL_FROM: "Acme <id@acme.test>",
    });
    expect(config.smtpUrl).toBe("smtps://u:p@mail.example.com");
    expect(config.mailFrom).toBe("Acme <id@acme.test>");
    const bad = configError({ LATCH_SMTP_URL: "http://u:hunter2@mail.example.com" });
    expect(bad.message).toBe("Invalid configuration: LATCH_SMTP_URL must be an smtp:// or smtps:// URL with a host");
    expect(configError({ LATCH_MAIL_FROM: "not an address" }).variable).toBe("LATCH_MAIL_FROM");
  });

  it("reads LATCH_CORS_ORIGINS as exact origins, empty by default, and refuses wildcards, paths and other schemes", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ LATCH_CORS_ORIGINS: "" }).corsOrigins).toEqual([]);
    expect(
      loadConfig({ LATCH_CORS_ORIGINS: "https://app.example.com, http://localhost:5173,,https://app.example.com" })
        .corsOrigins,
    ).toEqual(["https://app.example.com", "http://localhost:5173"]);
    for (const bad of ["*", "https://*.example.com", "https://app.example.com/", "https://app.example.com/x", "null"]) {
      const error = configError({ LATCH_CORS_ORIGINS: `https://ok.example.com,${bad}` });
      expect(error.variable, bad).toBe("LATCH_CORS_ORIGINS");
      expect(error.message, bad).toContain("exact origins");
    }
    expect(configError({ LATCH_CORS_ORIGINS: "ftp://files.example.com" }).variable).toBe("LATCH_CORS_ORIGINS");
    expect(configError({ LATCH_CORS_ORIGINS: "HTTPS://App.example.com" }).variable).toBe("LATCH_CORS_ORIGINS");
  });
});
