"""The benchmark task, shared by the fake model server and the Python reference runner.

Every word belongs to a category and the right answer applies that category's transformation. The target
model knows the categories but applies a transformation only when its instruction holds the line
``RULE: <category>``; otherwise it echoes the word. A wrong answer's feedback names the missing rule, and the
reflection model adds (at most one per call) the rules it reads in the feedback to the instruction it was
given. Nothing here is random: the same request always gets the same answer.
"""
import hashlib
import json
import re

CATEGORIES = {
    "fruit": ["apple", "banana", "cherry", "grape", "lemon"],
    "animal": ["tiger", "horse", "zebra", "camel", "otter"],
    "color": ["red", "blue", "green", "amber", "ivory"],
    "city": ["paris", "tokyo", "rome", "cairo", "lima"],
    "tool": ["hammer", "saw", "drill", "wrench", "chisel"],
    "planet": ["mercury", "venus", "earth", "mars", "saturn"],
}
TRANSFORM = {
    "fruit": lambda w: w.upper(),
    "animal": lambda w: w[::-1],
    "color": lambda w: w + "!",
    "city": lambda w: "city:" + w,
    "tool": lambda w: "[" + w + "]",
    "planet": lambda w: w.capitalize(),
}
CATEGORY = {w: c for c, words in CATEGORIES.items() for w in words}

SEED_INSTRUCTION = "Answer with the word from the input, transformed as the rules say."
RULE = re.compile(r"RULE: (\w+)")
WORD = re.compile(r"Word: (\w+)")


def rules(text):
    seen = []
    for r in RULE.findall(text):
        if r not in seen:
            seen.append(r)
    return seen


def feedback(word, expected, got):
    """The scorer's rationale; the Java scorer writes exactly the same text."""
    if got == expected:
        return 1.0, "correct"
    return 0.0, f"expected '{expected}' but got '{got}': a {CATEGORY.get(word)} word needs RULE: {CATEGORY.get(word)}"


def target_answer(messages):
    """The target model: transforms the word of the last message when the instruction holds its rule."""
    m = WORD.search(messages[-1]["content"]) if messages else None
    if not m:
        return "?"
    word = m.group(1)
    instruction = "\n".join(msg["content"] for msg in messages[:-1])
    category = CATEGORY.get(word)
    if category is not None and category in rules(instruction):
        return TRANSFORM[category](word)
    return word


def useful(prompt, one_in):
    """Whether a reflection on this exact prompt finds the missing rule (hard variant): a fixed draw from the
    prompt's digest, so the same request always gets the same answer."""
    return one_in <= 1 or int(hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:8], 16) % one_in == 0


def reflector_answer(messages, one_in=1):
    """The reflection model: the instruction of the first fenced block plus one new rule named after it.

    With ``one_in`` > 1 (the hard variant) only about one reflection in ``one_in`` finds a rule; the others
    reword the instruction without adding one (as most real proposals fail to improve the minibatch)."""
    prompt = messages[-1]["content"]
    start = prompt.find("```\n")
    end = prompt.find("\n```", start + 4) if start >= 0 else -1
    if start < 0 or end < 0:
        return "I cannot find the instruction."
    current = prompt[start + 4:end]
    keep = rules(current)
    if not useful(prompt, one_in):
        text = RULE.sub("", current)
        lines = [line for line in text.split("\n") if line.strip()] or [SEED_INSTRUCTION]
        note = "Note %s: read the word carefully." % hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:6]
        lines = [line for line in lines if not line.startswith("Note ")] + [note]
        return "```\n" + "\n".join(lines) + "".join("\nRULE: " + r for r in keep) + "\n```"
    for r in rules(prompt[end:]):
        if r not in keep and r in TRANSFORM:
            keep.append(r)
            break
    text = RULE.sub("", current)
    text = "\n".join(line for line in text.split("\n") if line.strip()) or SEED_INSTRUCTION
    return "```\n" + text + "".join("\nRULE: " + r for r in keep) + "\n```"


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]
