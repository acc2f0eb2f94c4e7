"""Orchestrates scripts/bench-parallel.sh: parallel proposals (k = 1, 2, 4, 8) under latency distributions and
injected faults, against the same local OpenAI-compatible server, with the reference gepa side by side.

    python3 bench_parallel.py --java-cp CP --venv-python PY [--ks 1,2,4,8] [--seeds 0,1,2,3,4] [--budget 400]
        [--concurrency 16] [--latency-ms 50] [--conditions fixed:0,lognormal:0,fixed:0.2,lognormal:0.2]
        [--reflector-one-in 3] [--out benchmarks/target/parallel.md]

Every run is a fresh process (JVM or Python). Between runs the server is reset and configured (latency
distribution, fault rate, the seed of its draws). Raw results go to the report as JSON.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

from bench import DATA, HERE, http, start_server, version_of

import urllib.request


def configure(port, cfg):
    req = urllib.request.Request("http://127.0.0.1:%d/config" % port, method="POST", data=json.dumps(cfg).encode())
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def one(cmd, env, out_json, port, cfg):
    http(port, "POST", "/reset")
    configure(port, cfg)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process_wall = time.perf_counter() - t0
    if p.returncode != 0:
        return {"failed": True, "exit_code": p.returncode, "tail": p.stdout[-3000:], "process_wall_s": process_wall}
    with open(out_json, encoding="utf-8") as f:
        r = json.load(f)
    r["process_wall_s"] = process_wall
    r["server"] = http(port, "GET", "/stats")
    return r


def load():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[:3]
    except OSError:
        return ["?"] * 3


def ms(values):
    values = [v for v in values if v == v]  # drop NaN
    if not values:
        return "-"
    if len(values) == 1:
        return "%.2f" % values[0]
    return "%.2f +- %.2f" % (statistics.mean(values), statistics.stdev(values))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java-cp", required=True)
    ap.add_argument("--venv-python", required=True)
    ap.add_argument("--ks", default="1,2,4,8")
    ap.add_argument("--seeds", default="0,1,2,3,4")
    ap.add_argument("--budget", type=int, default=400)
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--latency-ms", type=float, default=50)
    ap.add_argument("--conditions", default="fixed:0,lognormal:0,fixed:0.2,lognormal:0.2")
    ap.add_argument("--reflector-one-in", type=int, default=3)
    ap.add_argument("--backoff-ms", type=int, default=50)
    ap.add_argument("--reference", default="true")
    ap.add_argument("--reference-conditions", default="fixed:0",
                    help="conditions the reference runs in (it is slow: under 20%% faults litellm's backoff makes one "
                         "run take minutes)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    ks = [int(k) for k in a.ks.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    conditions = [(c.split(":")[0], float(c.split(":")[1])) for c in a.conditions.split(",")]
    ref_conditions = [(c.split(":")[0], float(c.split(":")[1])) for c in a.reference_conditions.split(",") if c]

    server, port = start_server(a.latency_ms)
    base = "http://127.0.0.1:%d/v1" % port
    env = dict(os.environ)
    env.update({
        "PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL": base,
        "OPENAI_API_BASE": base, "OPENAI_BASE_URL": base,
        "OPENAI_API_KEY": "unused-local-server",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
        "LITELLM_TELEMETRY": "False",
        "BENCH_LITELLM_RETRIES": "7",
    })
    runs = []
    started = time.time()
    load_before = load()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for dist, faults in conditions:
                for seed in seeds:
                    cfg = {"latency_dist": dist, "fault_rate": faults, "reflector_one_in": a.reflector_one_in,
                           "seed": seed}
                    contenders = [("k=%d" % k, ["java", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Dbench.parallelProposals=%d" % k,
                                                "-Dbench.backoffMs=%d" % a.backoff_ms, "-cp", a.java_cp,
                                                "dev.promptopt.benchmarks.ReferenceBench", DATA, str(a.budget),
                                                str(a.concurrency)], "java") for k in ks]
                    if a.reference == "true" and (dist, faults) in ref_conditions:
                        contenders.append(("reference 0.1.4", [a.venv_python, os.path.join(HERE, "run_reference.py"),
                                                               DATA, str(a.budget)], "python"))
                    for label, cmd, kind in contenders:
                        out = os.path.join(tmp, "run.json")
                        if os.path.exists(out):
                            os.remove(out)
                        full = cmd + ([str(seed), out, "true"] if kind == "java" else [str(seed), out, "string"])
                        r = one(full, env, out, port, cfg)
                        r.update(label=label, seed=seed, dist=dist, faults=faults, load=load())
                        runs.append(r)
                        if r.get("failed"):
                            sys.stderr.write("%s %s:%g seed %d FAILED (exit %d)\n%s\n" % (label, dist, faults, seed,
                                             r["exit_code"], r["tail"][-800:]))
                        else:
                            sys.stderr.write("%-16s %-9s faults %.1f seed %d: to best %.2f s, wall %.2f s, %d metric "
                                             "calls, %d reflection calls, best %.3f\n" % (
                                                 label, dist, faults, seed, r["wall_to_best_s"], r["wall_s"],
                                                 r["metric_calls"], r["server"]["reflection"]["calls"],
                                                 r["final_score"]))
    finally:
        server.terminate()
        server.wait(timeout=10)
    elapsed = time.time() - started

    lines = []
    w = lines.append
    w("Task: the benchmark's rule task, hard variant (about one reflection in %d finds a rule; the others reword "
      "the instruction); budget %d metric calls; maxConcurrency %d; median latency %g ms; seeds %s; retries: first "
      "wait %d ms, doubling, jitter 20%%; reference: gepa 0.1.4, task_lm=openai/bench-target (litellm batch), "
      "litellm num_retries=7." % (a.reflector_one_in, a.budget, a.concurrency, a.latency_ms,
                                  ", ".join(map(str, seeds)), a.backoff_ms))
    w("%s; %s; Python %s; %d cores; load average before %s, after %s; the whole command took %.0f s."
      % (platform.platform(terse=True), version_of(["java", "-version"]), platform.python_version(),
         os.cpu_count() or 0, "/".join(load_before), "/".join(load()), elapsed))
    w("")
    w("Mean +- standard deviation over the seeds (failed runs left out and counted):")
    w("")
    w("| latency | faults | run | wall to best (s) | wall (s) | metric calls | reflection calls | best validation score "
      "| faults injected | failed runs |")
    w("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    labels = ["k=%d" % k for k in ks] + (["reference 0.1.4"] if a.reference == "true" else [])
    for dist, faults in conditions:
        for label in labels:
            rs = [r for r in runs if r["label"] == label and r["dist"] == dist and r["faults"] == faults]
            ok = [r for r in rs if not r.get("failed")]
            w("| %s | %d%% | %s | %s | %s | %s | %s | %s | %s | %d |" % (
                dist, round(faults * 100), label, ms([r["wall_to_best_s"] for r in ok]), ms([r["wall_s"] for r in ok]),
                ms([r["metric_calls"] for r in ok]), ms([r["server"]["reflection"]["calls"] for r in ok]),
                ms([r["final_score"] for r in ok]),
                ms([r["server"]["task"]["faults"] + r["server"]["reflection"]["faults"] for r in ok]),
                len(rs) - len(ok)))
    w("")
    w("wall to best: from the start of the optimization call to the moment the best candidate was validated and "
      "accepted (ours: the CandidateAccepted event; reference: its 'Found a better program' log line). metric calls: "
      "the optimizer's count; reflection calls: counted by the server (faulted attempts included).")
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
        f.write("\n<details><summary>raw results</summary>\n\n```json\n" + json.dumps(runs, indent=1) + "\n```\n</details>\n")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
