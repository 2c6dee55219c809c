import { describe, expect, it } from "vitest";
import { GroupBatcher } from "../../../server/db/group-batcher.ts";

/** A batch runner that records each batch and answers when the test releases it. */
function recorder(fail: (items: number[]) => boolean = () => false) {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const run = (items: number[]) => {
    batches.push([...items]);
    return new Promise<string[]>((resolve, reject) => {
      releases.push(() =>
        fail(items) ? reject(new Error(`bad ${items.join(",")}`)) : resolve(items.map((i) => `#${i}`)),
      );
    });
  };
  const releaseAll = async () => {
    while (releases.length > 0) {
      releases.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { batches, run, releaseAll };
}

describe("GroupBatcher", () => {
  it("sends the first items at once and gathers the ones that arrive meanwhile into the next batch", async () => {
    const { batches, run, releaseAll } = recorder();
    const batcher = new GroupBatcher(run, { maxInFlight: 2 });
    const answers = Promise.all([1, 2, 3, 4, 5].map((i) => batcher.submit(i)));
    expect(batches).toEqual([[1], [2]]);
    await releaseAll();
    expect(await answers).toEqual(["#1", "#2", "#3", "#4", "#5"]);
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
  });

  it("takes at most maxBatch items per batch", async () => {
    const { batches, run, releaseAll } = recorder();
    const batcher = new GroupBatcher(run, { maxInFlight: 1, maxBatch: 2 });
    const answers = Promise.all([1, 2, 3, 4, 5, 6].map((i) => batcher.submit(i)));
    await releaseAll();
    await answers;
    expect(batches).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it("retries a failed batch item by item, so only the bad item's caller gets the error", async () => {
    const { batches, run, releaseAll } = recorder((items) => items.includes(3));
    const batcher = new GroupBatcher(run, { maxInFlight: 1 });
    const results = [1, 2, 3, 4].map((i) => batcher.submit(i).then(String, (error: Error) => error.message));
    await releaseAll();
    expect(await Promise.all(results)).toEqual(["#1", "#2", "bad 3", "#4"]);
    expect(batches).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });
});

describe("GroupBatcher when the database is unavailable", () => {
  it("fails the batch and everything queued behind it at once, without retrying item by item", async () => {
    const batches: number[][] = [];
    let release: (() => void) | undefined;
    const unavailable = Object.assign(new Error("The database did not answer within 6000 ms"), { code: "ETIMEDOUT" });
    const batcher = new GroupBatcher((items: number[]) => {
      batches.push([...items]);
      return new Promise<string[]>((_, reject) => {
        release = () => reject(unavailable);
      });
    });
    const answers = [1, 2, 3, 4].map((i) => batcher.submit(i).catch((error: unknown) => error));
    expect(batches).toEqual([[1]]);
    release!();
    expect(await Promise.all(answers)).toEqual([unavailable, unavailable, unavailable, unavailable]);
    expect(batches).toEqual([[1]]);
  });
});
