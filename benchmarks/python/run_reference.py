"""The reference side of scripts/bench-reference.sh: one run of the Python GEPA (gepa 0.1.4) on the benchmark
task, through its standard DefaultAdapter and litellm, against the same local OpenAI-compatible server.

    OPENAI_API_BASE=http://127.0.0.1:<port>/v1 OPENAI_API_KEY=unused \
      python run_reference.py <data dir> <max metric calls> <seed> <result.json> [string|callable]

``string`` (default) passes ``task_lm="openai/bench-target"``: DefaultAdapter then sends each batch through
litellm.batch_completion (10 worker threads by default). ``callable`` passes a function that calls
litellm.completion once per message list, the other form gepa.optimize accepts: the adapter then runs a
batch's examples one after another. The reflection model is ``openai/bench-reflector`` in both.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import task  # noqa: E402


ITERATION = re.compile(r"Iteration (\d+):")


class QuietLogger:
    def __init__(self):
        self.lines = []
        self.times = []

    def log(self, message):
        self.lines.append(str(message))
        self.times.append(time.perf_counter())


def main():
    data_dir, budget, seed, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    mode = sys.argv[5] if len(sys.argv) > 5 else "string"

    def insts(name):
        return [{"input": "Word: " + r["inputs"]["word"], "additional_context": {}, "answer": r["outputs"],
                 "word": r["inputs"]["word"]} for r in task.load(os.path.join(data_dir, name))]

    trainset, valset = insts("train.jsonl"), insts("val.jsonl")

    from importlib.metadata import version

    import gepa
    import litellm
    from gepa.adapters.default_adapter.default_adapter import EvaluationResult

    def evaluator(data, response):
        score, text = task.feedback(data["word"], data["answer"], response.strip())
        return EvaluationResult(score=score, feedback=text, objective_scores=None)

    reflection_lm = "openai/bench-reflector"
    adapter = None
    if mode == "string" and int(os.environ.get("BENCH_LITELLM_RETRIES", "0")):
        # Faults are injected: the same models as the strings, with more retries than gepa's default 3, and the
        # task model still sent through litellm's batch of 10 workers. gepa.optimize builds its DefaultAdapter
        # with LM(model) and its default retries, so the adapter is built here; 0.1.4 keeps that LM in
        # DefaultAdapter._lm, replaced by one with the retries.
        from gepa.adapters.default_adapter.default_adapter import DefaultAdapter
        from gepa.lm import LM
        n = int(os.environ["BENCH_LITELLM_RETRIES"])
        adapter = DefaultAdapter(model="openai/bench-target", evaluator=evaluator)
        adapter._lm = LM("openai/bench-target", num_retries=n)
        task_lm = None
        reflection_lm = LM("openai/bench-reflector", num_retries=n)
    elif mode == "string":
        task_lm = "openai/bench-target"
    else:
        def task_lm(messages):
            resp = litellm.completion(model="openai/bench-target", messages=list(messages), num_retries=3)
            return resp.choices[0].message.content

    logger = QuietLogger()
    t0 = time.perf_counter()
    result = gepa.optimize(
        seed_candidate={"instruction": task.SEED_INSTRUCTION},
        trainset=trainset,
        valset=valset,
        task_lm=task_lm,
        evaluator=None if adapter is not None else evaluator,
        adapter=adapter,
        reflection_lm=reflection_lm,
        max_metric_calls=budget,
        seed=seed,
        logger=logger,
    )
    wall = time.perf_counter() - t0

    best = result.best_idx
    better = [t for line, t in zip(logger.lines, logger.times) if "Found a better program on the valset" in line]
    wall_to_best = (better[-1] - t0) if better and best > 0 else 0.0
    reflection_errors = sum(1 for line in logger.lines if "Exception during optimization" in line)
    r = {
        "implementation": "reference-" + mode,
        "gepa_version": version("gepa"),
        "litellm_version": version("litellm"),
        "wall_s": wall,
        "wall_to_best_s": wall_to_best,
        "iterations_lost_to_exceptions": reflection_errors,
        "metric_calls": result.total_metric_calls,
        "initial_score": result.val_aggregate_scores[0],
        "final_score": result.val_aggregate_scores[best],
        "candidates": len(result.candidates),
        # gepa records a candidate's discovery before its validation set evaluation, we after it: add that
        # evaluation so both columns mean "metric calls spent when the best candidate was found and validated".
        "best_found_at_metric_call": result.discovery_eval_counts[best] + (len(valset) if best > 0 else 0),
        "discovery_eval_count": result.discovery_eval_counts[best],
        "best_instruction": result.candidates[best]["instruction"],
        "full_validations": result.num_full_val_evals,
        "iterations": max([int(m.group(1)) for m in map(ITERATION.match, logger.lines) if m] or [0]),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(r, f, indent=2)
    print(json.dumps(r, indent=2))


if __name__ == "__main__":
    main()
