// Deferring by event-loop turns: how SQLite's group commit gathers the writes of concurrent requests
// into one commit.

/**
 * Turns a queued write waits for others to join its group. Requests in flight reach their writes at
 * different turns (a refresh awaits its token read, then the risk model), so flushing at the next turn
 * caught few of them: 1.6 scored refreshes per SQLite commit under load, 2.5 when waiting three turns.
 * The requests of a group also resume together, which keeps them in step for their next reads and
 * model runs. Against one turn, in test/bench/interleaved-ab.ts (30 rounds, median of the per-round
 * ratios of server CPU per refresh): 0.91 with risk scoring, 0.88 with it off; client credentials 1.00.
 * PostgreSQL's multi-row inserts (pg-row-batches.ts) stay at one turn: there the server waits on round
 * trips, and requests held in step left the server and the database idle by turns (client credentials:
 * 7-17 % fewer tokens per second with three turns, though 8 % less server CPU per refresh).
 * Six turns against three, in the same A/B (2026-12-04): 0.941, 0.961 and 0.987 (60 rounds) with
 * risk scoring, 0.969 for client credentials; eight against six 0.956 and twelve 1.020, within
 * this A/B's noise. The groups hardly grew (0.40 to 0.38 commits per scored refresh): where the
 * gain comes from was not measured.
 */
export const WRITE_GROUP_TURNS = 6;

/**
 * Runs `fn` after `turns` turns of the event loop (1: at the next setImmediate), so that requests
 * already in flight, each a few awaits from its own write, can join the group `fn` flushes. An idle
 * loop spins through the turns in microseconds.
 */
export function afterTurns(turns: number, fn: () => void): void {
  const step = (left: number): void => {
    if (left <= 1) fn();
    else setImmediate(step, left - 1);
  };
  setImmediate(step, turns);
}
