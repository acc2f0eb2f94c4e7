"""What the benchmark orchestrators (bench.py, bench_parallel.py) share: the fake model server's life cycle and
control calls, the environment that points both optimizers at it, one timed run of a contender process, and the
report file.
"""
import json
import os
import platform
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data")


def http(port, method, path, body=None):
    """One request to the fake server's control API; the JSON answer."""
    data = json.dumps(body).encode() if body is not None else (b"" if method == "POST" else None)
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, path), method=method, data=data)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def start_server(latency_ms):
    """Starts fake_openai_server.py on a free loopback port; returns (process, port)."""
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_openai_server.py"), "--latency-ms", str(latency_ms)],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit("the fake model server did not start: " + line)
    return proc, int(line.split()[1])


def stop_server(proc):
    proc.terminate()
    proc.wait(timeout=10)


def server_env(port, **extra):
    """The environment of a contender process: both our provider and litellm's openai/ provider reach the server."""
    base = "http://127.0.0.1:%d/v1" % port
    env = dict(os.environ)
    env.update({
        "PROMPTOPT_OPENAI_COMPATIBLE_BASE_URL": base,   # ours: openai-compatible:/ provider
        "OPENAI_API_BASE": base, "OPENAI_BASE_URL": base,  # litellm's openai/ provider
        "OPENAI_API_KEY": "unused-local-server",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",         # no download of litellm's price list at import
        "LITELLM_TELEMETRY": "False",
    })
    env.update(extra)
    return env


def run_once(cmd, env, out_json, port, config=None):
    """Resets (and configures) the server, runs one contender process and reads its result file. A failed process
    is returned as {"failed": True, ...}, never as a result; the caller decides whether that stops the benchmark."""
    http(port, "POST", "/reset")
    if config is not None:
        http(port, "POST", "/config", config)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    process_wall = time.perf_counter() - t0
    if p.returncode != 0:
        return {"failed": True, "exit_code": p.returncode, "tail": p.stdout[-6000:], "process_wall_s": process_wall}
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


def machine():
    """Platform, Java and Python versions, as the first words of a report's second line."""
    return "%s; %s; Python %s" % (platform.platform(terse=True), version_of(["java", "-version"]),
                                  platform.python_version())


def write_report(out, lines, runs):
    """Writes the Markdown lines and the raw runs (as JSON) to out, and the Markdown to stdout."""
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)
        f.write("\n<details><summary>raw results</summary>\n\n```json\n" + json.dumps(runs, indent=1) + "\n```\n</details>\n")
    sys.stdout.write(text)
