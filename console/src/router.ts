import { useEffect, useState } from "react";

/** The console's screens, by path under /console. */
export type Route =
  | { readonly screen: "apps" }
  | { readonly screen: "create-app" }
  | { readonly screen: "app"; readonly id: string }
  | { readonly screen: "api-keys" }
  | { readonly screen: "webhooks" }
  | { readonly screen: "webhook"; readonly id: string }
  | { readonly screen: "scopes" }
  | { readonly screen: "audit-log" }
  | { readonly screen: "create-workspace" }
  | { readonly screen: "workspace-settings" }
  | { readonly screen: "members" }
  | { readonly screen: "integrations" }
  | { readonly screen: "explorer" }
  | { readonly screen: "not-found" };

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/^\/console/, "").replace(/\/+$/, "") || "/";
  if (path === "/" || path === "/apps") return { screen: "apps" };
  if (path === "/apps/new") return { screen: "create-app" };
  if (path === "/api-keys") return { screen: "api-keys" };
  if (path === "/webhooks") return { screen: "webhooks" };
  if (path === "/scopes") return { screen: "scopes" };
  if (path === "/audit-log") return { screen: "audit-log" };
  if (path === "/workspaces/new") return { screen: "create-workspace" };
  if (path === "/settings") return { screen: "workspace-settings" };
  if (path === "/members") return { screen: "members" };
  if (path === "/integrations") return { screen: "integrations" };
  if (path === "/explorer") return { screen: "explorer" };
  const app = /^\/apps\/([A-Za-z0-9+/=_%-]+)$/.exec(path);
  if (app?.[1]) return { screen: "app", id: decodeURIComponent(app[1]) };
  const webhook = /^\/webhooks\/([A-Za-z0-9+/=_%-]+)$/.exec(path);
  if (webhook?.[1]) return { screen: "webhook", id: decodeURIComponent(webhook[1]) };
  return { screen: "not-found" };
}

export function hrefFor(route: Route): string {
  switch (route.screen) {
    case "apps":
      return "/console/apps";
    case "create-app":
      return "/console/apps/new";
    case "app":
      return `/console/apps/${encodeURIComponent(route.id)}`;
    case "api-keys":
      return "/console/api-keys";
    case "webhooks":
      return "/console/webhooks";
    case "webhook":
      return `/console/webhooks/${encodeURIComponent(route.id)}`;
    case "scopes":
      return "/console/scopes";
    case "audit-log":
      return "/console/audit-log";
    case "create-workspace":
      return "/console/workspaces/new";
    case "workspace-settings":
      return "/console/settings";
    case "members":
      return "/console/members";
    case "integrations":
      return "/console/integrations";
    case "explorer":
      return "/console/explorer";
    case "not-found":
      return "/console";
  }
}

/** Pushes a screen onto the history without a page load. */
export function navigate(route: Route): void {
  window.history.pushState(null, "", hrefFor(route));
  window.dispatchEvent(new PopStateEvent("popstate"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(parseRoute(window.location.pathname));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  return route;
}
