import { Group, Stack, Text } from "@mantine/core";

export type ChartPoint = { readonly day: string; readonly value: number };

const BAR = 10;
const GAP = 2;
const HEIGHT = 100;

/**
 * Bars per day as plain SVG (no chart library: the console's JavaScript budget is 300 KB gzipped). The SVG is one
 * image with a summary for screen readers; the table beside it carries every number.
 */
export function UsageChart({ points, label, unit }: { points: readonly ChartPoint[]; label: string; unit: string }) {
  const max = Math.max(1, ...points.map((point) => point.value));
  const total = points.reduce((sum, point) => sum + point.value, 0);
  const busiest = points.reduce<ChartPoint | null>(
    (top, point) => (top && top.value >= point.value ? top : point),
    null,
  );
  const summary =
    total === 0
      ? `${label}: none from ${points[0]?.day} to ${points.at(-1)?.day}.`
      : `${label}: ${total} ${unit} from ${points[0]?.day} to ${points.at(-1)?.day}, at most ${busiest?.value} on ${busiest?.day}.`;
  const width = points.length * (BAR + GAP);
  return (
    <Stack gap={4}>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed">
          Busiest day: {total === 0 ? "none" : `${max} ${unit}`}
        </Text>
        <Text size="xs" c="dimmed">
          {total} in all
        </Text>
      </Group>
      <svg
        role="img"
        aria-label={summary}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={160}
        style={{ display: "block", background: "var(--mantine-color-gray-0)", borderRadius: 4 }}
      >
        <line
          x1={0}
          x2={width}
          y1={HEIGHT - 0.5}
          y2={HEIGHT - 0.5}
          stroke="var(--mantine-color-gray-5)"
          strokeWidth={1}
        />
        {points.map((point, index) => {
          const height = point.value === 0 ? 0 : Math.max(1.5, (point.value / max) * (HEIGHT - 4));
          return (
            <rect
              key={point.day}
              data-day={point.day}
              data-value={point.value}
              x={index * (BAR + GAP) + GAP / 2}
              y={HEIGHT - height}
              width={BAR}
              height={height}
              fill="var(--mantine-color-violet-8)"
            >
              <title>{`${point.day}: ${point.value} ${unit}`}</title>
            </rect>
          );
        })}
      </svg>
      <Group justify="space-between" gap="xs" aria-hidden="true">
        <Text size="xs" c="dimmed">
          {points[0]?.day}
        </Text>
        <Text size="xs" c="dimmed">
          {points.at(-1)?.day}
        </Text>
      </Group>
    </Stack>
  );
}
