"""Entity spans without the spaces around them: jieba keeps each space as a token, so the model's
spans can take one in ("Plum ") or break a two-word name at it ("rose" + "bean"). This trims every
span to its words and joins same-type spans that only a space separates.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from components.stateless import StatelessComponent


def tidy(text: str, entities: list[dict]) -> list[dict]:
    out: list[dict] = []
    for entity in sorted(entities, key=lambda e: e.get("start", -1)):
        start, end = entity.get("start"), entity.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or entity.get("value") != text[start:end]:
            out.append(entity)  # a value mapped or given (synonyms, regexes): not a plain span of the text
            continue
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start == end:
            continue
        last = out[-1] if out else None
        if (
            last
            and last.get("entity") == entity.get("entity")
            and last.get("extractor") == entity.get("extractor")
            and isinstance(last.get("end"), int)
            and last["value"] == text[last["start"] : last["end"]]
            and last["end"] <= start
            and not text[last["end"] : start].strip()
        ):
            last.update(end=end, value=text[last["start"] : end])
            continue
        out.append({**entity, "start": start, "end": end, "value": text[start:end]})
    return out


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class EntitySpanTidier(StatelessComponent):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if message.get(ENTITIES) and isinstance(message.get(TEXT), str):
                message.set(ENTITIES, tidy(message.get(TEXT), message.get(ENTITIES)), add_to_output=True)
        return messages
