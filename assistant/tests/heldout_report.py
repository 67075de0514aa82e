"""Intent accuracy and product-entity F1 of the trained model on the held-out utterances, by group
(tests/heldout/<group>.yml: simplified, traditional, english, mixed; a later batch written fresh as
<group>_<n>.yml counts in its group and is also reported alone), with a confusion matrix image.

Run from assistant/ (its modules on the path):  PYTHONPATH=. ../.venv-rasa/bin/python tests/heldout_report.py models/storelens.tar.gz OUT.png
Spans count as found only when start, end and entity type all match what the file marks.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display: the image goes to a file
import matplotlib.pyplot as plt  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from rasa.utils.common import configure_logging_and_warnings  # noqa: E402
from rasa.utils.log_utils import configure_structlog  # noqa: E402

HELDOUT = Path(__file__).parent / "heldout"
GROUPS = ("simplified", "traditional", "english", "mixed")
GOAL_INTENT, GOAL_PRODUCT = 0.97, 0.95
FALLBACK = "nlu_fallback"


def spans(entities: list[dict], kind: str) -> set[tuple[int, int]]:
    return {(e["start"], e["end"]) for e in entities if e.get("entity") == kind}


def f1(found: int, predicted: int, gold: int) -> float:
    if gold == 0 and predicted == 0:
        return 1.0
    precision = found / predicted if predicted else 0.0
    recall = found / gold if gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def batches(group: str) -> list[Path]:
    return sorted(HELDOUT.glob(f"{group}.yml")) + sorted(HELDOUT.glob(f"{group}_*.yml"))


async def evaluate(agent: Agent, files: list[Path]) -> dict:
    examples = [e for file in files for e in load_data(str(file)).intent_examples]
    hits, pairs, wrong_task, misses = 0, [], 0, []
    product = Counter()
    for example in examples:
        text, gold_intent = example.get("text"), example.get("intent")
        parsed = await agent.parse_message(text)
        predicted = parsed["intent"]["name"]
        pairs.append((gold_intent, predicted))
        hits += predicted == gold_intent
        # a different task started is worse than "please rephrase" (the fallback)
        wrong_task += predicted not in (gold_intent, FALLBACK, "out_of_scope")
        gold, got = spans(example.get("entities") or [], "product"), spans(parsed["entities"], "product")
        product.update(found=len(gold & got), predicted=len(got), gold=len(gold))
        if predicted != gold_intent or gold != got:
            misses.append({"text": text, "intent": gold_intent, "predicted": predicted, "product": sorted(got)})
    return {
        "utterances": len(examples),
        "intent_accuracy": hits / len(examples),
        "wrong_task": wrong_task,
        "product_f1": f1(product["found"], product["predicted"], product["gold"]),
        "product_spans": product["gold"],
        "pairs": pairs,
        "misses": misses,
    }


def confusion_image(pairs: list[tuple[str, str]], out: Path) -> None:
    labels = sorted({label for pair in pairs for label in pair})
    index = {label: i for i, label in enumerate(labels)}
    grid = [[0] * len(labels) for _ in labels]
    for gold, predicted in pairs:
        grid[index[gold]][index[predicted]] += 1
    figure, axes = plt.subplots(figsize=(11, 10))
    axes.imshow(grid, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=70, ha="right")
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("predicted")
    axes.set_ylabel("labelled")
    axes.set_title("Held-out intents, all groups")
    for row, counts in enumerate(grid):
        for column, count in enumerate(counts):
            if count:
                axes.text(column, row, count, ha="center", va="center", fontsize=7)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=110)


def line(r: dict) -> str:
    return (
        f"{r['utterances']:>3} utterances: intent accuracy {r['intent_accuracy']:.3f}, "
        f"product-entity F1 {r['product_f1']:.3f} ({r['product_spans']} spans), wrong task {r['wrong_task']}"
    )


async def main(model: str, image: Path) -> int:
    configure_logging_and_warnings(logging.WARNING)  # not Rasa's debug line per parsed message
    configure_structlog(logging.WARNING)
    agent = Agent.load(model)
    results = {group: await evaluate(agent, batches(group)) for group in GROUPS}
    met = True
    for group, r in results.items():
        ok = r["intent_accuracy"] >= GOAL_INTENT and r["product_f1"] >= GOAL_PRODUCT
        met &= ok
        print(f"Held-out {group:<11} {line(r)}{'' if ok else '  (below goal)'}")
        for later in batches(group)[1:]:
            print(f"  batch {later.stem:<16} {line(await evaluate(agent, [later]))}")
    confusion_image([pair for r in results.values() for pair in r["pairs"]], image)
    report = image.with_suffix(".json")
    report.write_text(
        json.dumps(
            {g: {k: v for k, v in r.items() if k != "pairs"} for g, r in results.items()}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    print(f"Confusion matrix: {image}; misses: {report}")
    print(f"Goal (intent >= {GOAL_INTENT}, product F1 >= {GOAL_PRODUCT} in every group): {'met' if met else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], Path(sys.argv[2]))))
