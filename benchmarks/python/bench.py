"""Orchestrates scripts/bench-reference.sh: starts the fake model server, runs each contender once per seed
against it, reads the server's per-role counts after each run, and writes the Markdown report.

    python3 bench.py --java-cp CP --venv-python PY [--latency-ms 50] [--budget 300] [--seeds 0,1,2]
                     [--concurrency 8] [--out benchmarks/target/results.md]
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
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")


def http(port, method, path):
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method,
                                 data=b"" if method == "POST" else None)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def start_server(latency_ms):
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_openai_server.py"), "--latency-ms", str(latency_ms)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit("the fake model server did not start: " + line)
    return proc, int(line.split()[1])


def run(name, cmd, env, out_json, port):
    http(port, "POST", "/reset")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process_wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.stderr.write(p.stdout[-6000:])
        raise SystemExit("%s failed with exit code %d" % (name, p.returncode))
    with open(out_json, encoding="utf-8") as f:
        r = json.load(f)
    r["process_wall_s"] = process_wall
    r["server"] = http(port, "GET", "/stats")
    return r


def version_of(cmd):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return p.stdout.strip().splitlines()[0]
    except OSError:
        return "?"


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
    base = "http://127.0.0.1:%d/v1" % port
    env = dict(os.environ)
    env.update({
        "PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL": base,   # ours: openai-compatible:/ provider
        "OPENAI_API_BASE": base, "OPENAI_BASE_URL": base,  # litellm's openai/ provider
        "OPENAI_API_KEY": "unused-local-server",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",         # no download of litellm's price list at import
        "LITELLM_TELEMETRY": "False",
    })
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
        server.terminate()
        server.wait(timeout=10)

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
    w("%s; %s; Python %s, gepa %s, litellm %s; %d cores."
      % (platform.platform(terse=True), version_of(["java", "-version"]), platform.python_version(),
         ref.get("gepa_version", "?"), ref.get("litellm_version", "?"), os.cpu_count() or 0))
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
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(text)
        f.write("\n<details><summary>raw results</summary>\n\n```json\n" + json.dumps(runs, indent=1) + "\n```\n</details>\n")
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
