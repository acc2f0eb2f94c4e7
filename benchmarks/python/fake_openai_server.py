"""A local OpenAI-compatible chat server for the benchmark: fixed latency, deterministic answers.

    python3 fake_openai_server.py [--latency-ms 50]

Binds 127.0.0.1 on a free port and prints ``PORT <n>`` on stdout. The role of a request comes from its model
name: ``bench-reflector`` answers as the reflection model, any other name as the target model (see task.py).
Every request sleeps the fixed latency before it is answered, in its own thread, so concurrent clients
overlap. GET /stats gives the calls and the peak of concurrent requests per role, and busy_s: the time during
which at least one request was being answered (so a client's wall time minus busy_s is time it spent with no
request outstanding); POST /reset zeroes them.
Python standard library only.
"""
import argparse
import json
import math
import os
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import task  # noqa: E402

LOCK = threading.Lock()
STATS = {}
IN_FLIGHT = {}
BUSY = {"in_flight": 0, "since": 0.0, "seconds": 0.0}
# Set by POST /config {"latency_dist": "fixed"|"lognormal", "fault_rate": 0.2, "reflector_one_in": 3, "seed": 0}
CONFIG = {"latency_dist": "fixed", "fault_rate": 0.0, "reflector_one_in": 1}
RANDOM = random.Random(0)
# lognormal with median m and p99 = 10 m: sigma = ln(10) / z(0.99)
LOGNORMAL_SIGMA = math.log(10) / 2.3263


def reset():
    with LOCK:
        STATS.clear()
        for role in ("task", "reflection"):
            STATS[role] = {"calls": 0, "peak_in_flight": 0, "errors": 0, "faults": 0}
            IN_FLIGHT[role] = 0
        BUSY.update(in_flight=0, since=0.0, seconds=0.0)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on, the body waits for the client's
    # delayed ACK of the headers (about 40 ms on Linux), which added that much to every call.
    disable_nagle_algorithm = True
    latency = 0.05

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, code, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.rstrip("/") == "/stats":
            with LOCK:
                body = json.loads(json.dumps(STATS))
                body["busy_s"] = BUSY["seconds"] + (time.perf_counter() - BUSY["since"] if BUSY["in_flight"] else 0.0)
            self._send(200, body)
        else:
            self._send(404, {"error": {"message": "not found: " + self.path}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.path.rstrip("/") == "/reset":
            reset()
            self._send(200, {"ok": True})
            return
        if self.path.rstrip("/") == "/config":
            with LOCK:
                CONFIG.update(json.loads(raw or b"{}"))
                RANDOM.seed(CONFIG.get("seed", 0))
            self._send(200, dict(CONFIG))
            return
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": "not found: " + self.path}})
            return
        try:
            req = json.loads(raw)
            model = str(req.get("model", ""))
            messages = req["messages"]
            for m in messages:  # content may come as a list of parts
                if isinstance(m.get("content"), list):
                    m["content"] = "".join(p.get("text", "") for p in m["content"] if isinstance(p, dict))
        except (ValueError, KeyError, TypeError) as e:
            self._send(400, {"error": {"message": "bad request: %s" % e}})
            return
        role = "reflection" if model.split("/")[-1] == "bench-reflector" else "task"
        with LOCK:
            STATS[role]["calls"] += 1
            IN_FLIGHT[role] += 1
            STATS[role]["peak_in_flight"] = max(STATS[role]["peak_in_flight"], IN_FLIGHT[role])
            if BUSY["in_flight"] == 0:
                BUSY["since"] = time.perf_counter()
            BUSY["in_flight"] += 1
        with LOCK:
            if CONFIG["latency_dist"] == "lognormal":
                delay = self.latency * math.exp(RANDOM.gauss(0.0, LOGNORMAL_SIGMA))
            else:
                delay = self.latency
            fault = RANDOM.random() < CONFIG["fault_rate"]
            kind = RANDOM.choice((429, 500, 504)) if fault else 200
            if fault:
                STATS[role]["faults"] += 1
        try:
            if kind == 504:
                time.sleep(max(delay, 10 * self.latency))  # a gateway timeout, after waiting for nothing
            elif kind == 200:
                time.sleep(delay)
            text = "" if fault else (task.reflector_answer(messages, CONFIG["reflector_one_in"]) if role == "reflection"
                                     else task.target_answer(messages))
        finally:
            with LOCK:
                IN_FLIGHT[role] -= 1
                BUSY["in_flight"] -= 1
                if BUSY["in_flight"] == 0:
                    BUSY["seconds"] += time.perf_counter() - BUSY["since"]
        if fault:
            self._send(kind, {"error": {"message": "injected fault %d" % kind,
                                        "type": "rate_limit_error" if kind == 429 else "server_error"}})
            return
        prompt_tokens = sum(len(m.get("content") or "") for m in messages) // 4 + 1
        completion_tokens = len(text) // 4 + 1
        self._send(200, {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens},
        })


class Server(ThreadingHTTPServer):
    daemon_threads = True
    # The listen backlog is fixed when the socket starts listening, in the constructor: a class attribute, not one
    # set on the instance afterwards. With the default of 5, a batch of 12 new connections lost SYNs, and the
    # clients' retransmission added a second to the first requests of a run.
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client that gave up on a request (a hedged call whose twin answered first, a timeout) closes its
        # connection before the answer is written: not an error of the server.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency-ms", type=float, default=50)
    args = ap.parse_args()
    Handler.latency = args.latency_ms / 1000.0
    reset()
    server = Server(("127.0.0.1", 0), Handler)
    print("PORT %d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
