import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import type { Hono } from "hono";
import { afterAll, beforeAll } from "vitest";

/** A way a test gets a response from the app: its name, and a GET of a path. */
export type Way = readonly [name: string, get: (path: string) => Promise<Response>];

/**
 * Serves `app()` on a free loopback port for the calling file's tests (started before them, closed after), and
 * answers the two ways to reach it, for `describe.each`: over real HTTP through @hono/node-server, where Latch's
 * Node-only fast paths run, and in memory through `app.request`, where their fallbacks do.
 */
export function bothWays(app: () => Hono): Way[] {
  let server: ServerType;
  let base: string;
  beforeAll(async () => {
    server = await new Promise<ServerType>((resolve) => {
      const listening = serve({ fetch: app().fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(listening));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return [
    ["served by Node", (path) => fetch(`${base}${path}`)],
    ["in memory (app.request)", async (path) => app().request(path)],
  ];
}
