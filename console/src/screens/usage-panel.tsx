import { Box, NativeSelect, Paper, SegmentedControl, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { graphql, type ResultOf } from "../graphql.ts";
import { ErrorState, LoadingState } from "../states.tsx";
import { useQuery } from "../use-query.ts";
import { UsageChart } from "./usage-chart.tsx";

const USAGE = graphql(`
  query ConsoleAppUsage($applicationId: ID!, $from: Date!, $to: Date!) {
    usage(applicationId: $applicationId, from: $from, to: $to) {
      day
      authorizations
      denials
      errors
      refreshes
      activeUsers
      tokensAuthorizationCode
      tokensClientCredentials
      tokensPassword
      tokensRefreshToken
    }
  }
`);

type UsageDay = ResultOf<typeof USAGE>["usage"][number];

const tokensOf = (day: UsageDay) =>
  day.tokensAuthorizationCode + day.tokensClientCredentials + day.tokensPassword + day.tokensRefreshToken;

const METRICS = {
  tokens: { label: "Tokens issued", unit: "tokens", of: tokensOf },
  authorizations: { label: "Authorizations", unit: "authorizations", of: (day: UsageDay) => day.authorizations },
  activeUsers: { label: "Active users", unit: "users", of: (day: UsageDay) => day.activeUsers },
  errors: { label: "Token errors", unit: "errors", of: (day: UsageDay) => day.errors },
} as const;
type Metric = keyof typeof METRICS;

/** `YYYY-MM-DD` (UTC) `daysAgo` days before today: the usage API counts UTC days. */
function utcDay(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** The app's usage per UTC day: one metric as bars, and every number in a table. */
export function UsagePanel({ applicationId }: { applicationId: string }) {
  const [range, setRange] = useState("30");
  const [metric, setMetric] = useState<Metric>("tokens");
  const days = Number(range);
  const usage = useQuery(USAGE, { applicationId, from: utcDay(days - 1), to: utcDay(0) });
  const chosen = METRICS[metric];
  return (
    <Stack>
      <Stack gap="xs">
        <SegmentedControl
          aria-label="Days shown"
          value={range}
          onChange={setRange}
          data={[
            { value: "7", label: "7 days" },
            { value: "30", label: "30 days" },
            { value: "90", label: "90 days" },
          ]}
          w="fit-content"
        />
        <NativeSelect
          label="The chart shows"
          value={metric}
          onChange={(event) => setMetric(event.currentTarget.value as Metric)}
          data={Object.entries(METRICS).map(([value, { label }]) => ({ value, label }))}
          maw={320}
        />
      </Stack>
      {usage.status === "loading" && <LoadingState label="Loading the usage" />}
      {usage.status === "error" && <ErrorState message={usage.message} onRetry={usage.reload} />}
      {usage.status === "done" && (
        <>
          <Paper withBorder p="md">
            <Stack gap="xs">
              <Title order={3} size="h5">
                {chosen.label} per day (UTC)
              </Title>
              <UsageChart
                points={usage.data.usage.map((day) => ({ day: day.day, value: chosen.of(day) }))}
                label={chosen.label}
                unit={chosen.unit}
              />
            </Stack>
          </Paper>
          <UsageTable days={usage.data.usage} />
        </>
      )}
    </Stack>
  );
}

function UsageTable({ days }: { days: readonly UsageDay[] }) {
  const newestFirst = [...days].reverse();
  return (
    // A plain scrolling region the keyboard can reach (a table of numbers has nothing else to focus).
    <Box style={{ overflowX: "auto" }} tabIndex={0} role="region" aria-label="Usage per day, every number">
      <Table striped aria-label="Usage per day" miw={640}>
        <Table.Caption>
          <Text size="xs" c="dimmed" component="span">
            Every day of the range, newest first; a quiet day reads as zeros.
          </Text>
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Day</Table.Th>
            <Table.Th scope="col">Tokens issued</Table.Th>
            <Table.Th scope="col">Authorizations</Table.Th>
            <Table.Th scope="col">Denials</Table.Th>
            <Table.Th scope="col">Refreshes</Table.Th>
            <Table.Th scope="col">Token errors</Table.Th>
            <Table.Th scope="col">Active users</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {newestFirst.map((day) => (
            <Table.Tr key={day.day}>
              <Table.Th scope="row" fw={400} style={{ whiteSpace: "nowrap" }}>
                {day.day}
              </Table.Th>
              <Table.Td>{tokensOf(day)}</Table.Td>
              <Table.Td>{day.authorizations}</Table.Td>
              <Table.Td>{day.denials}</Table.Td>
              <Table.Td>{day.refreshes}</Table.Td>
              <Table.Td>{day.errors}</Table.Td>
              <Table.Td>{day.activeUsers}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Box>
  );
}
