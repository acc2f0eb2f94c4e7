"""Serves a GGUF model through llama.cpp's OpenAI-compatible HTTP server (xllamacpp) on a loopback port.

Prints one line, "listening on <base URL>", once the model is loaded, then serves until standard input
reaches end of file (the parent closed it or died), so a test that starts this process stops it by closing
the pipe. Started by scripts/llama-server.sh serve.
"""
import argparse
import sys

import xllamacpp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="path of the .gguf file")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--parallel", type=int, default=4, help="concurrent request slots")
    parser.add_argument("--ctx", type=int, default=4096, help="context size shared by the slots")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--alias", default=None, help="model name the server reports")
    args = parser.parse_args()

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    params.hostnames = [args.host]
    params.port = args.port
    params.n_parallel = args.parallel
    params.n_ctx = args.ctx
    params.cpuparams.n_threads = args.threads
    params.cpuparams_batch.n_threads = args.threads
    if args.alias:
        params.model_alias = args.alias
    server = xllamacpp.Server(params)
    print("listening on " + server.listening_address, flush=True)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
