"""Any Chinese in, simplified Mandarin to the model: every channel's text goes through here before the
tokenizer, so 「請問靜安店還有豆沙紅嗎」 is understood like 「请问静安店还有豆沙红吗」, and written
Cantonese 「豆沙色仲有冇」 like 「豆沙色还有没」 (cantonese.py).

The conversion keeps the text's length (character for character), so entity offsets still point into
what the shopper typed; the shopper's script goes out as ``script`` (hans/hant) in the parse data, and
the reply is written back in it (script_nlg.py). Rasa keeps the original text on the user event.
"""

from __future__ import annotations

from cantonese import read_as_mandarin
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_VALUE, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from script import script_of

from components.stateless import StatelessComponent

SCRIPT = "script"  # parse-data key: "hant" or "hans" (absent when the text has no Chinese)


def normalize(message: Message) -> None:
    text = message.get(TEXT)
    if not isinstance(text, str) or not text:
        return
    script = script_of(text)
    if script is None:
        return
    message.set(SCRIPT, script, add_to_output=True)
    message.set(TEXT, read_as_mandarin(text))
    for entity in message.get(ENTITIES) or []:  # training examples: "[豆沙紅](product)"
        if isinstance(entity.get(ENTITY_ATTRIBUTE_VALUE), str):
            entity[ENTITY_ATTRIBUTE_VALUE] = read_as_mandarin(entity[ENTITY_ATTRIBUTE_VALUE])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class ChineseNormalizer(StatelessComponent):
    """Reads traditional Chinese as simplified (OpenCC t2s) and written Cantonese as Mandarin, and marks
    the shopper's script."""

    @staticmethod
    def required_packages() -> list[str]:
        return ["opencc"]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for example in training_data.training_examples:
            normalize(example)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            normalize(message)
        return messages
