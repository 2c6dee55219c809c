import { Alert, Button, Checkbox, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { CopyValue } from "./copy-value.tsx";

/**
 * "The Client Secret is displayed only once": the plaintext with a copy button, the warning, and an explicit
 * "I have stored it" before the person may leave.
 */
export function SecretOnce({
  secret,
  onDone,
  what = "client secret",
}: {
  secret: string;
  onDone(): void;
  what?: string;
}) {
  const [stored, setStored] = useState(false);
  return (
    <Stack gap="sm">
      <Alert color="red" title={`Copy the ${what} now`}>
        <Text size="sm">It is shown only this once: Latch keeps a hash, so it cannot be shown again.</Text>
      </Alert>
      <CopyValue value={secret} label={what} />
      <Checkbox
        label={`I have stored the ${what}`}
        checked={stored}
        onChange={(event) => setStored(event.currentTarget.checked)}
      />
      <Button onClick={onDone} disabled={!stored} w="fit-content">
        Done
      </Button>
    </Stack>
  );
}
