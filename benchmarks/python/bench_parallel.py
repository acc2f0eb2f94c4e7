"""Orchestrates scripts/bench-parallel.sh: parallel proposals (k = 1, 2, 4, 8) under latency distributions and
injected faults, against the same local OpenAI-compatible server, with the reference gepa side by side.

    python3 bench_parallel.py --java-cp CP --venv-python PY [--ks 1,2,4,8] [--seeds 0,1,2,3,4] [--budget 400]
        [--concurrency 16] [--latency-ms 50] [--conditions fixed:0,lognormal:0,fixed:0.2,lognormal:0.2]
        [--reflector-one-in 3] [--out benchmarks/target/parallel.md]

Every run is a fresh process (JVM or Python). Between runs the server is reset and configured (latency
distribution, fault rate, the seed of its draws). Raw results go to the report as JSON.
"""
import argparse
import os
import re
import statistics
import sys
import tempfile
import time

from bench_common import DATA, HERE, machine, run_once, server_env, start_server, stop_server, write_report


def load():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[:3]
    except OSError:
        return ["?"] * 3


def variant(text):
    """One of --ks: "4" (k = 4), "4s0" (k = 4 with speculativeEvaluations 0), "1h0.9" (k = 1, predict and reflection
    calls hedged at the 90th percentile), "1h0.9p" (predict calls only), or both suffixes, as "4s1h0.9"."""
    m = re.fullmatch(r"(\d+)(?:s(\d+))?(?:h(0\.\d+)(p)?)?", text.strip())
    if not m:
        raise SystemExit("--ks: '%s' is not k[s<speculativeEvaluations>][h<hedging percentile>[p]], e.g. 4, 4s0, "
                         "1h0.9, 1h0.9p" % text)
    k, spec, hedge, predict_only = int(m.group(1)), m.group(2), m.group(3), m.group(4)
    props = ["-Dbench.parallelProposals=%d" % k]
    label = "k=%d" % k
    if spec is not None:
        props.append("-Dbench.speculativeEvaluations=%s" % spec)
        label += " spec %s" % spec
    if hedge is not None:
        props.append("-Dbench.hedging=%s" % hedge)
        label += " hedged p%g" % (float(hedge) * 100)
        if predict_only:
            props.append("-Dbench.reflectionHedging=false")
            label += " (predict calls only)"
    return {"label": label, "k": k, "props": props}


def mean(values):
    values = [v for v in values if v == v]
    return statistics.mean(values) if values else float("nan")


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
    ks = [variant(k) for k in a.ks.split(",")]
    seeds = [int(s) for s in a.seeds.split(",")]
    conditions = [(c.split(":")[0], float(c.split(":")[1])) for c in a.conditions.split(",")]
    ref_conditions = [(c.split(":")[0], float(c.split(":")[1])) for c in a.reference_conditions.split(",") if c]

    server, port = start_server(a.latency_ms)
    env = server_env(port, BENCH_LITELLM_RETRIES="7")
    runs = []
    started = time.time()
    load_before = load()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for dist, faults in conditions:
                for seed in seeds:
                    cfg = {"latency_dist": dist, "fault_rate": faults, "reflector_one_in": a.reflector_one_in,
                           "seed": seed}
                    contenders = [(v["label"], ["java", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
                                   + v["props"] + ["-Dbench.backoffMs=%d" % a.backoff_ms, "-cp", a.java_cp,
                                                   "dev.promptopt.benchmarks.ReferenceBench", DATA, str(a.budget),
                                                   str(a.concurrency)], "java") for v in ks]
                    if a.reference == "true" and (dist, faults) in ref_conditions:
                        contenders.append(("reference 0.1.4", [a.venv_python, os.path.join(HERE, "run_reference.py"),
                                                               DATA, str(a.budget)], "python"))
                    for label, cmd, kind in contenders:
                        out = os.path.join(tmp, "run.json")
                        if os.path.exists(out):
                            os.remove(out)
                        full = cmd + ([str(seed), out, "true"] if kind == "java" else [str(seed), out, "string"])
                        r = run_once(full, env, out, port, cfg)
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
        stop_server(server)
    elapsed = time.time() - started

    lines = []
    w = lines.append
    w("Task: the benchmark's rule task, hard variant (about one reflection in %d finds a rule; the others reword "
      "the instruction); budget %d metric calls; maxConcurrency %d; median latency %g ms; seeds %s; retries: first "
      "wait %d ms, doubling, jitter 20%%; reference: gepa 0.1.4, its DefaultAdapter sending the task model's "
      "batches through litellm's batch_completion (10 workers), task and reflection models with num_retries=7." % (a.reflector_one_in, a.budget, a.concurrency, a.latency_ms,
                                  ", ".join(map(str, seeds)), a.backoff_ms))
    w("%s; %d cores; load average before %s, after %s; the whole command took %.0f s."
      % (machine(), os.cpu_count() or 0, "/".join(load_before), "/".join(load()), elapsed))
    w("")
    w("Mean +- standard deviation over the seeds (failed runs left out and counted):")
    w("")
    w("| latency | faults | run | wall to best (s) | seed validated (s) | wall (s) | metric calls | reflection calls "
      "| best validation score | faults injected | hedged requests | failed runs |")
    w("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    labels = [v["label"] for v in ks] + (["reference 0.1.4"] if a.reference == "true" else [])
    for dist, faults in conditions:
        for label in labels:
            rs = [r for r in runs if r["label"] == label and r["dist"] == dist and r["faults"] == faults]
            ok = [r for r in rs if not r.get("failed")]
            w("| %s | %d%% | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d |" % (
                dist, round(faults * 100), label, ms([r["wall_to_best_s"] for r in ok]),
                ms([r.get("wall_to_seed_validated_s", float("nan")) for r in ok]), ms([r["wall_s"] for r in ok]),
                ms([r["metric_calls"] for r in ok]), ms([r["server"]["reflection"]["calls"] for r in ok]),
                ms([r["final_score"] for r in ok]),
                ms([r["server"]["task"]["faults"] + r["server"]["reflection"]["faults"] for r in ok]),
                ms([r.get("hedged_calls", 0) + r.get("hedged_reflections", 0) for r in ok]),
                len(rs) - len(ok)))
    w("")
    w("Ratios of the means to k=1 in the same condition (wall to best; metric calls; best score), and of each run's "
      "wall to best under faults to the same run without faults:")
    w("")
    w("| latency | faults | run | wall to best / k=1 | after the seed / k=1 | metric calls / k=1 | best score / k=1 "
      "| wall to best / fault-free |")
    w("|---|---:|---|---:|---:|---:|---:|---:|")

    def means(label, dist, faults, key):
        ok = [r for r in runs if r["label"] == label and r["dist"] == dist and r["faults"] == faults
              and not r.get("failed")]
        return mean([key(r) for r in ok])

    for dist, faults in conditions:
        for label in labels:
            base = lambda key: means("k=1", dist, faults, key)
            own = lambda key: means(label, dist, faults, key)
            clean = means(label, dist, 0.0, lambda r: r["wall_to_best_s"]) if faults else float("nan")
            fx = lambda v: "%.2fx" % v if v == v else "-"
            after = lambda r: r["wall_to_best_s"] - r.get("wall_to_seed_validated_s", float("nan"))
            w("| %s | %d%% | %s | %s | %s | %s | %s | %s |" % (
                dist, round(faults * 100), label,
                fx(own(lambda r: r["wall_to_best_s"]) / base(lambda r: r["wall_to_best_s"])),
                fx(own(after) / base(after)),
                fx(own(lambda r: r["metric_calls"]) / base(lambda r: r["metric_calls"])),
                fx(own(lambda r: r["final_score"]) / base(lambda r: r["final_score"])),
                fx(own(lambda r: r["wall_to_best_s"]) / clean) if faults else "-"))
    w("")
    w("wall to best: from the start of the optimization call to the moment the best candidate was validated and "
      "accepted (ours: the CandidateAccepted event; reference: its 'Found a better program' log line). seed "
      "validated: from the same start to the seed's acceptance as candidate 0, which includes the JVM's start-up "
      "for the first model calls (class loading, first connections); after the seed: wall to best minus that, the "
      "part parallel proposals change (ours only). metric calls: "
      "the optimizer's count; reflection calls: counted by the server (faulted attempts and hedges included); hedged "
      "requests: the extra predict and reflection requests hedging sent (no metric call each).")
    write_report(a.out, lines, runs)

if __name__ == "__main__":
    main()
