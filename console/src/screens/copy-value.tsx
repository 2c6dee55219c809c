import { Button, Code, CopyButton, Group } from "@mantine/core";

/** A value shown in monospace with a copy button whose accessible name says what it copies. */
export function CopyValue({ value, label }: { value: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Code style={{ wordBreak: "break-all", minWidth: 0 }}>{value}</Code>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button
            variant="light"
            size="compact-xs"
            onClick={copy}
            aria-label={`Copy ${label}`}
            style={{ flexShrink: 0 }}
          >
            {copied ? "Copied" : "Copy"}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}
