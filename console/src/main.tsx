import "@mantine/core/styles.css";
import { type CSSVariablesResolver, createTheme, MantineProvider } from "@mantine/core";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ConsoleApp } from "./console-app.tsx";

/** The per-response nonce the server writes into index.html: Mantine's <style> tags carry it (CSP style-src). */
const nonce = document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? "";

/**
 * Shade 8 for every color's filled and light variants: Mantine's default (6) puts white on green, red or violet and
 * tinted text on tints below WCAG AA's 4.5:1.
 */
const theme = createTheme({ primaryColor: "violet", primaryShade: { light: 8, dark: 8 }, defaultRadius: "md" });

/**
 * Mantine's dimmed text (gray 6) is 3.3:1 on white; gray 7 meets WCAG AA's 4.5:1 (axe-core checks it). Its field
 * error color (red 6, 3.6:1) likewise becomes red 9 (5.5:1).
 */
const resolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    "--mantine-color-dimmed": "var(--mantine-color-gray-7)",
    "--mantine-color-error": "var(--mantine-color-red-9)",
  },
  dark: {},
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider
      theme={theme}
      cssVariablesResolver={resolver}
      getStyleNonce={() => nonce}
      defaultColorScheme="light"
    >
      <ConsoleApp />
    </MantineProvider>
  </StrictMode>,
);
