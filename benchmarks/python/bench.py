"""Orchestrates scripts/bench-reference.sh: starts the fake model server, runs each contender once per seed
against it, reads the server's per-role counts after each run, and writes the Markdown report.

    python3 bench.py --java-cp CP --venv-python PY [--latency-ms 50] [--budget 300] [--seeds 0,1,2]
                     [--concurrency 8] [--out benchmarks/target/results.md]
"""
import argparse
import os
import statistics
import sys
import tempfile

from bench_common import DATA, HERE, machine, run_once, server_env, start_server, stop_server, write_report


def run(name, cmd, env, out_json, port):
    r = run_once(cmd, env, out_json, port)
    if r.get("failed"):
        sys.stderr.write(r["tail"])
        raise SystemExit("%s failed with exit code %d" % (name, r["exit_code"]))
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java-cp", required=True)
    ap.add_argument("--venv-python", required=True)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--budget", type=int, default=300)
    ap.add_argument("--seeds", default="0,1,2")
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",") if s.strip()]
    lat = a.latency_ms / 1000.0

    server, port = start_server(a.latency_ms)
    env = server_env(port)
    # name, label, concurrency the client allows, command(seed, out)
    java = ["java", "-Xmx1g", "-cp", a.java_cp, "dev.promptopt.benchmarks.ReferenceBench", DATA, str(a.budget),
            str(a.concurrency)]
    py = [a.venv_python, os.path.join(HERE, "run_reference.py"), DATA, str(a.budget)]
    contenders = [
        ("ours", "ours (maxConcurrency %d, defaults)" % a.concurrency, a.concurrency,
         lambda s, o: java + [str(s), o, "true"]),
        ("ours-full", "ours (maxConcurrency %d, stopWhenPerfect off)" % a.concurrency, a.concurrency,
         lambda s, o: java + [str(s), o, "false"]),
        ("ref-string", "reference, task_lm=\"openai/bench-target\" (litellm batch, 10 workers)", 10,
         lambda s, o: py + [str(s), o, "string"]),
        ("ref-callable", "reference, task_lm=callable (litellm.completion, one at a time)", 1,
         lambda s, o: py + [str(s), o, "callable"]),
    ]
    runs = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for seed in seeds:
                for key, label, conc, cmd in contenders:
                    out = os.path.join(tmp, "%s-%d.json" % (key, seed))
                    sys.stderr.write("running %s, seed %d ...\n" % (label, seed))
                    r = run(label, cmd(seed, out), env, out, port)
                    r.update(key=key, label=label, seed=seed, conc=conc)
                    runs.append(r)
                    sys.stderr.write("  wall %.2f s, %d metric calls, score %.3f\n"
                                     % (r["wall_s"], r["metric_calls"], r["final_score"]))
    finally:
        stop_server(server)

    for r in runs:
        t, f = r["server"]["task"]["calls"], r["server"]["reflection"]["calls"]
        r["task_calls"], r["reflection_calls"], r["peak"] = t, f, r["server"]["task"]["peak_in_flight"]
        r["idle"] = r["wall_s"] - r["server"]["busy_s"]
        r["physical"] = (t / r["conc"] + f) * lat
        r["sequential"] = (t + f) * lat

    ref = next((r for r in runs if r["key"].startswith("ref")), {})
    lines = []
    w = lines.append
    w("Task: %d train / %d validation examples, 6 hidden rules; budget %d metric calls; every model request "
      "answered after a fixed %g ms by one local OpenAI-compatible server; seeds %s."
      % (sum(1 for _ in open(os.path.join(DATA, "train.jsonl"))), sum(1 for _ in open(os.path.join(DATA, "val.jsonl"))),
         a.budget, a.latency_ms, ", ".join(map(str, seeds))))
    w("%s, gepa %s, litellm %s; %d cores."
      % (machine(), ref.get("gepa_version", "?"), ref.get("litellm_version", "?"), os.cpu_count() or 0))
    w("")
    w("Mean over the seeds:")
    w("")
    w("| run | wall (s) | metric calls | best found and validated at (metric calls) | task calls | reflection calls "
      "| peak concurrent task calls | validation score (seed -> best) | physical limit (s) | sequential limit (s) "
      "| no request in flight (s) |")
    w("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for key, label, conc, _ in contenders:
        rs = [r for r in runs if r["key"] == key]
        m = lambda k: statistics.mean(r[k] for r in rs)  # noqa: E731
        w("| %s | %.2f | %.0f | %.0f | %.0f | %.1f | %d | %.3f -> %.3f | %.2f | %.2f | %.2f |"
          % (label, m("wall_s"), m("metric_calls"), m("best_found_at_metric_call"), m("task_calls"),
             m("reflection_calls"), max(r["peak"] for r in rs), m("initial_score"), m("final_score"),
             m("physical"), m("sequential"), m("idle")))
    w("")
    w("Each run:")
    w("")
    w("| run | seed | wall (s) | process wall (s) | metric calls | best found at | task calls | reflection calls "
      "| candidates | final score | physical limit (s) | no request in flight (s) | stop |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in runs:
        w("| %s | %d | %.2f | %.2f | %d | %d | %d | %d | %d | %.3f | %.2f | %.2f | %s |"
          % (r["key"], r["seed"], r["wall_s"], r["process_wall_s"], r["metric_calls"], r["best_found_at_metric_call"],
             r["task_calls"], r["reflection_calls"], r["candidates"], r["final_score"], r["physical"], r["idle"],
             r.get("stop_reason") or "budget of %d metric calls" % a.budget))
    w("")
    w("wall: the optimization call alone (PromptOptimizer.run / gepa.optimize); process wall adds JVM start or "
      "Python imports. physical limit = (task calls / concurrency the client allows + reflection calls) x latency "
      "(reflection calls are sequential in both); sequential limit = all calls x latency; no request in flight = "
      "wall minus the time the server was answering at least one request (the optimizer's and the client's own "
      "time). Model calls are counted by the server.")
    write_report(a.out, lines, runs)

if __name__ == "__main__":
    main()
