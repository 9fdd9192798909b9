// The usage text of each kvlab command, apart from the commands themselves so that `kvlab CMD --help`
// answers without loading the simulator or the node (kvlab check keeps its own, in cli/check.ts).

export const runUsage = `usage: kvlab run [SCENARIO.json] [--seed N] [--out DIR] [--bug NAME]... [--stop-on-violation] [--trace compressed|full|none]
  SCENARIO.json        the scenario to run (default: the embedded default scenario)
  --seed N             the seed (default: the scenario's seed, else 1)
  --out DIR            where the trace, history.jsonl, report.json and timeline.html go
                       (default: runs/<scenario>-<seed>/; created if missing)
  --bug NAME           switch on a bug of the zoo (kvlab bugs lists them); repeatable
  --stop-on-violation  end the run at the first safety violation
  --trace MODE         compressed (default): trace.jsonl.gz; full: trace.jsonl; none: no trace, no timeline
exit: 0 every check passed, 1 a check failed (the last line is the command that reproduces it), 2 invalid input`;

export const sweepUsage = `usage: kvlab sweep SCENARIO.json --seeds A..B [--workers N] [--bug NAME]... [--stop-on-failure] [--stop-on-violation]
  --seeds A..B         the seeds to run, both ends included (or one seed N)
  --workers N          worker threads (default: the number of cores)
  --bug NAME           switch on a bug of the zoo; repeatable
  --stop-on-failure    stop at the first failing seed
  --stop-on-violation  end each run at its first safety violation
exit: 0 all passed, 1 some failed, 2 invalid input`;

export const shrinkUsage = `usage: kvlab shrink SCENARIO.json --seed N [--out FILE] [--bug NAME]... [--check NAME]... [--runs-max N]
  --seed N        the failing seed (default: the scenario's seed)
  --out FILE      where the smaller scenario goes (default: runs/<scenario>-shrunk-<seed>.json)
  --bug NAME      switch on a bug of the zoo; repeatable
  --check NAME    the check that must keep failing (default: those that failed); repeatable
  --runs-max N    simulated runs at most
exit: 0 shrunk, 1 did not fail to begin with, 2 invalid input`;

export const bugsUsage = `usage: kvlab bugs [--json]
  --json   an array of {"name","description","source","scenario"} instead of the table`;

export const vizPortDefault = 7370;

export const vizUsage = `usage: kvlab viz [DIR or TRACE] [--port P] [--export FILE.html] [--demo]
  DIR          a run directory (trace.jsonl.gz or trace.jsonl, history.jsonl, report.json); default: the newest under runs/
  TRACE        a trace.jsonl or trace.jsonl.gz file (history.jsonl and report.json beside it are used when present)
  --port P     serve on 127.0.0.1:P (default ${vizPortDefault}, or a free port if that one is taken; 0: any free port)
  --export F   write one self-contained HTML file F instead of serving
  --demo       show a synthetic run (for trying the timeline without a simulated run)`;

export const nodeUsage = `usage: kvlab node --config FILE.json
  one production node in the foreground; JSON-lines log on stdout; SIGTERM or SIGINT stops it gracefully
exit: 0 after a graceful stop, 1 could not start (or gave up), 2 invalid config`;

export const clusterUsage = `usage: kvlab cluster init --nodes N --dir DIR [--base-port P] [--cluster-id ID] [--force]
       kvlab cluster up --dir DIR [--timeout-ms MS]
       kvlab cluster down --dir DIR [--timeout-ms MS]
       kvlab cluster status --dir DIR
  init     writes DIR/node<i>.json for a local cluster on 127.0.0.1 (ports P+i, P+100+i, P+200+i; P = 7000);
           --force overwrites configs, and allows ports in the ephemeral range
  up       starts every node of DIR not running and not marked removed (DIR/node<i>.removed)
  down     stops every running node of DIR, even when a config is invalid
  status   the cluster status JSON
exit: 0 done, 1 could not start / nothing answered / a node would not stop, 2 invalid input (an invalid
      node<i>.json included: down still stops every node, status still reports the others)`;

/** Usage of the commands whose text lives here, by command name. */
export const usages: Readonly<Record<string, string>> = {
  run: runUsage,
  sweep: sweepUsage,
  shrink: shrinkUsage,
  bugs: bugsUsage,
  viz: vizUsage,
  node: nodeUsage,
  cluster: clusterUsage,
};
