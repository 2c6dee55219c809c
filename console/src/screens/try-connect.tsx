import { Alert, Text } from "@mantine/core";
import { useEffect, useRef, useState } from "react";

/** What Latch's connection popup posts to its opener (server/http/pages/connection-popup-page.ts). */
type ConnectionMessage = {
  readonly type: "latch:connection";
  readonly status: "connected" | "error";
  readonly integrationId: string | null;
  readonly connectionId?: string;
  readonly error?: string;
  readonly message?: string;
};

export type TryConnectState =
  | { readonly domain: string; readonly status: "waiting" | "blocked" | "closed" }
  | { readonly domain: string; readonly status: "connected"; readonly connectionId: string | undefined }
  | { readonly domain: string; readonly status: "error"; readonly error: string; readonly message: string };

function isConnectionMessage(data: unknown): data is ConnectionMessage {
  return typeof data === "object" && data !== null && (data as { type?: unknown }).type === "latch:connection";
}

/**
 * "Try Connect": runs the real connection popup an app would open (`connectUrl?origin=<the console>`), as the
 * signed-in member, and reads the `latch:connection` message it posts back, from Latch's own origin only.
 */
export function useTryConnect() {
  const [state, setState] = useState<TryConnectState | null>(null);
  const watching = useRef<number | undefined>(undefined);
  useEffect(() => {
    const receive = (event: MessageEvent) => {
      if (event.origin !== window.location.origin || !isConnectionMessage(event.data)) return;
      const data = event.data;
      window.clearInterval(watching.current);
      setState((current) => {
        const domain = current?.domain ?? "the upstream";
        return data.status === "connected"
          ? { domain, status: "connected", connectionId: data.connectionId }
          : { domain, status: "error", error: data.error ?? "error", message: data.message ?? "" };
      });
    };
    window.addEventListener("message", receive);
    return () => {
      window.removeEventListener("message", receive);
      window.clearInterval(watching.current);
    };
  }, []);
  const start = (domain: string, connectUrl: string) => {
    window.clearInterval(watching.current);
    const url = new URL(connectUrl, window.location.href);
    url.searchParams.set("origin", window.location.origin);
    const popup = window.open(url.toString(), "latch-connect", "popup,width=520,height=680");
    if (!popup) {
      setState({ domain, status: "blocked" });
      return;
    }
    setState({ domain, status: "waiting" });
    // A person who closes the window without finishing gets told so, not an endless "waiting".
    watching.current = window.setInterval(() => {
      if (!popup.closed) return;
      window.clearInterval(watching.current);
      // The message, when one came, is handled before the window reports closed; give it a moment anyway.
      window.setTimeout(
        () => setState((current) => (current?.status === "waiting" ? { domain, status: "closed" } : current)),
        300,
      );
    }, 400);
  };
  return { state, start, clear: () => setState(null) };
}

/** The popup's outcome in plain words. */
export function TryConnectResult({ state }: { state: TryConnectState }) {
  const { title, detail, ok } = describe(state);
  return (
    <Alert variant="outline" color={ok ? "teal.9" : "red.9"} title={title} role="status">
      <Text size="sm">{detail}</Text>
    </Alert>
  );
}

function describe(state: TryConnectState): { title: string; detail: string; ok: boolean } {
  switch (state.status) {
    case "waiting":
      return {
        ok: true,
        title: `Connecting to ${state.domain}…`,
        detail: "Finish in the popup window: sign in at the upstream and consent.",
      };
    case "blocked":
      return {
        ok: false,
        title: "The popup was blocked",
        detail: "Allow popups for this site, then try again.",
      };
    case "closed":
      return {
        ok: false,
        title: "The window was closed",
        detail: `The connection to ${state.domain} was not finished.`,
      };
    case "connected":
      return {
        ok: true,
        title: `Connected to ${state.domain}`,
        detail: `The popup flow works: Latch now holds ${state.domain} tokens for you, as it will for each of your users.`,
      };
    case "error":
      return {
        ok: false,
        title: `${state.domain} did not connect`,
        detail: `${state.message || "The upstream refused."} (${state.error})`,
      };
  }
}
