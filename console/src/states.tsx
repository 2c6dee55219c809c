import { Alert, Button, Center, Loader, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

export function LoadingState({ label }: { label: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Stack align="center" gap="xs">
        <Loader aria-hidden="true" />
        <Text size="sm" c="dimmed">
          {label}…
        </Text>
      </Stack>
    </Center>
  );
}

export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <Alert color="red" title="Something went wrong" role="alert">
      <Stack gap="sm" align="flex-start">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Button variant="light" color="red" size="xs" onClick={onRetry}>
            Try again
          </Button>
        )}
      </Stack>
    </Alert>
  );
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack align="center" py="xl" gap="sm">
      <Text fw={600}>{title}</Text>
      {children}
    </Stack>
  );
}

/** A change took effect. Teal 9 on white (outline) keeps WCAG AA's 4.5:1, where the light green tint does not. */
export function SuccessNote({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Alert variant="outline" color="teal.9" title={title} role="status">
      {children}
    </Alert>
  );
}
