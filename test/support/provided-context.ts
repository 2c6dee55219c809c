declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server's maintenance database, where tests may create and drop databases. */
    latchDbAdminUrl: string;
    /** A database migrated once per run; each test file copies it. */
    latchDbTemplate: string;
  }
}

export {};
