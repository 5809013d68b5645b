"""Condition explainers: plain-English pages about each pattern, loaded from Markdown.

Each explainer is a file ``data/conditions/<id>.md`` that a clinician can edit:
YAML front matter (id, title, other_names, sources, optional summary) between
``---`` lines, then five ``## `` sections in a fixed set (see `SECTIONS`).
This module reads and checks them, so a broken file fails loudly in tests and
shows one clear message in the app, and it answers the Conditions page search.
Pure Python (PyYAML only): no Streamlit here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from backcare.engine.patterns import FRACTURE_ALIAS, ORDER, SERIOUS
from backcare.engine.wording import DATA_DIR, ContentError, load_yaml, pattern_text

CONDITIONS_DIR = DATA_DIR / "conditions"

#: Explainers that are not a pattern: they answer questions every reader has.
GENERAL_IDS = ("when_to_get_help", "acute_or_chronic")
#: Every id that must have an explainer: the Results page links to each pattern.
REQUIRED_IDS = (*GENERAL_IDS, *ORDER)
#: The order of the list on the page: help first, then the common patterns before
#: the rare ones, so a person browsing meets the likely explanations first.
DISPLAY_ORDER = (
    "when_to_get_help",
    "acute_or_chronic",
    "nonspecific_mechanical",
    "not_from_spine",
    "pregnancy_related",
    "muscle_strain",
    "sciatica",
    "osteoarthritis",
    "spinal_stenosis",
    "inflammatory",
    "scoliosis",
    "osteoporotic_fracture",
    "fracture",
    "cauda_equina",
    "spinal_infection",
    "spinal_malignancy",
    "kidney",
    "shingles",
    "aortic_aneurysm",
    "spinal_bleed",
)
#: Explainers whose "When to get help" is shown first and styled as a warning:
#: the serious patterns (spec section 3) and the emergency-signs page itself.
URGENT_IDS = frozenset((*SERIOUS, FRACTURE_ALIAS, "when_to_get_help"))

#: Section key -> the heading it has in the Markdown file, in reading order.
SECTIONS: dict[str, str] = {
    "what_it_is": "What it is",
    "common_signs": "Common signs",
    "what_helps": "What helps",
    "when_to_get_help": "When to get help",
    "sources": "Sources",
}
_HEADING_TO_KEY = {heading.lower(): key for key, heading in SECTIONS.items()}
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n(.*)\Z", re.S)
_SECTION_HEADING = re.compile(r"^##[ \t]+(.+?)[ \t]*$", re.M)
_WORD = re.compile(r"[a-z0-9]+")
_WORD_OR_APOSTROPHE = re.compile(r"[a-z0-9']+")
#: Query words too common to narrow a search ("pain in my leg" means "pain leg").
STOP_WORDS = frozenset(
    (
        "a",
        "an",
        "and",
        "are",
        "at",
        "back",
        "can",
        "do",
        "does",
        "for",
        "how",
        "i",
        "in",
        "is",
        "it",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "with",
    )
)
#: Search weights: a word in the title counts most, a word in the body least.
WEIGHTS = {"title": 8, "other_names": 5, "summary": 3, "signs": 3, "body": 1}
#: The sections that describe this condition itself. "When to get help" and
#: "What helps" repeat the shared emergency signs on many pages, so a word
#: there says little about which page fits best.
OWN_SECTIONS = ("what_it_is", "common_signs")


@dataclass(frozen=True)
class Explainer:
    """One condition explainer. ``sections`` maps a `SECTIONS` key to its Markdown."""

    id: str
    title: str
    other_names: tuple[str, ...]
    sources: tuple[str, ...]
    sections: Mapping[str, str] = field(hash=False, compare=True)
    body: str
    summary: str = ""

    @property
    def urgent(self) -> bool:
        """True when getting help must come first on the page."""
        return self.id in URGENT_IDS


@dataclass(frozen=True)
class Section:
    """A section ready to show: its heading, Markdown text and whether it is a warning."""

    key: str
    heading: str
    text: str
    urgent: bool = False


def _front_matter(text: str, name: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise ContentError(f"{name}: must start with YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ContentError(f"{name}: the front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(f"{name}: the front matter must be a set of 'key: value' lines")
    return meta, match.group(2).strip() + "\n"


def _text_list(meta: dict[str, Any], key: str, name: str, *, required: bool) -> tuple[str, ...]:
    value = meta.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(f"{name}: '{key}' must be a list of text entries")
    if required and not value:
        raise ContentError(f"{name}: '{key}' needs at least one entry")
    return tuple(v.strip() for v in value)


def _text(meta: dict[str, Any], key: str, name: str, *, required: bool) -> str:
    value = meta.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ContentError(f"{name}: '{key}' must be a non-empty line of text")
    return value.strip()


def split_sections(body: str, name: str) -> dict[str, str]:
    """The ``## `` sections of a body, by key; every one of `SECTIONS` must be there."""
    parts = _SECTION_HEADING.split(body)
    if parts[0].strip():
        raise ContentError(f"{name}: text before the first '## ' section heading")
    sections: dict[str, str] = {}
    for heading, text in zip(parts[1::2], parts[2::2], strict=True):
        key = _HEADING_TO_KEY.get(heading.strip().lower())
        if key is None:
            allowed = ", ".join(SECTIONS.values())
            raise ContentError(f"{name}: unknown section '## {heading}' (allowed: {allowed})")
        if key in sections:
            raise ContentError(f"{name}: section '## {heading}' appears twice")
        sections[key] = text.strip()
    missing = [SECTIONS[k] for k in SECTIONS if not sections.get(k)]
    if missing:
        raise ContentError(f"{name}: missing or empty sections: {', '.join(missing)}")
    return {k: sections[k] for k in SECTIONS}


def parse(text: str, name: str, expected_id: str | None = None) -> Explainer:
    """Turn one explainer file's text into an `Explainer`, or raise `ContentError`."""
    meta, body = _front_matter(text, name)
    explainer_id = _text(meta, "id", name, required=True)
    if expected_id is not None and explainer_id != expected_id:
        raise ContentError(f"{name}: id '{explainer_id}' does not match the file name")
    summary = _text(meta, "summary", name, required=False)
    if not summary and explainer_id in pattern_text():
        summary = pattern_text()[explainer_id].summary
    return Explainer(
        id=explainer_id,
        title=_text(meta, "title", name, required=True),
        other_names=_text_list(meta, "other_names", name, required=False),
        sources=_text_list(meta, "sources", name, required=True),
        sections=split_sections(body, name),
        body=body,
        summary=summary,
    )


def load_file(path: Path) -> Explainer:
    """Read and check one ``<id>.md`` file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read {path}: {exc}") from exc
    return parse(text, str(path), expected_id=path.stem)


def _display_key(explainer_id: str) -> tuple[int, str]:
    known = explainer_id in DISPLAY_ORDER
    return (DISPLAY_ORDER.index(explainer_id) if known else len(DISPLAY_ORDER), explainer_id)


def load_dir(directory: Path, required: Iterable[str] = REQUIRED_IDS) -> tuple[Explainer, ...]:
    """Every explainer in ``directory`` in display order; each required id must be there."""
    if not directory.is_dir():
        raise ContentError(f"the explainer folder {directory} is missing")
    found = {p.stem: load_file(p) for p in sorted(directory.glob("*.md"))}
    missing = [i for i in required if i not in found]
    if missing:
        raise ContentError(f"no explainer file in {directory} for: {', '.join(missing)}")
    return tuple(found[i] for i in sorted(found, key=_display_key))


@cache
def load_all() -> tuple[Explainer, ...]:
    """All explainers from ``data/conditions``, read once per process."""
    return load_dir(CONDITIONS_DIR)


def normalise_id(raw: str) -> str:
    """Forgive case, spaces and dashes in a deep link: ``?condition=Spinal-Stenosis``."""
    return raw.strip().lower().replace("-", "_").replace(" ", "_")


def get(explainer_id: str, explainers: Iterable[Explainer] | None = None) -> Explainer | None:
    """The explainer with this id, or None when there is none (a bad link is not an error)."""
    wanted = normalise_id(explainer_id)
    pool = explainers if explainers is not None else load_all()
    return next((e for e in pool if e.id == wanted), None)


def query_words(query: str) -> tuple[str, ...]:
    """The words of a search, lower case, without stop words or repeats."""
    words = _WORD.findall(_plain_query(query))
    return tuple(dict.fromkeys(w for w in words if w not in STOP_WORDS))


def _plain_query(query: str) -> str:
    """Lower case, with curly apostrophes made straight ("can’t" is "can't")."""
    return query.lower().replace("\u2019", "'")


@dataclass(frozen=True)
class SearchWords:
    """Everyday words the search understands (`data/search.yaml`)."""

    emergency_words: frozenset[str]
    synonyms: Mapping[str, tuple[str, ...]] = field(hash=False)


@cache
def search_words() -> SearchWords:
    """Load and check `data/search.yaml`; a bad entry is a `ContentError` naming it."""
    raw = load_yaml("search.yaml")
    try:
        emergency = frozenset(str(w).lower() for w in raw["emergency_words"])
        synonyms = {
            str(k).lower(): tuple(str(v).lower() for v in vs) for k, vs in raw["synonyms"].items()
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise ContentError(f"data/search.yaml needs emergency_words and synonyms: {exc}") from exc
    if not emergency or any(not vs for vs in synonyms.values()):
        raise ContentError("data/search.yaml: emergency_words and every synonym need words")
    return SearchWords(emergency, synonyms)


@dataclass(frozen=True)
class Concept:
    """One thing a person searched for: what they typed and every way to find it."""

    typed: str
    alternatives: tuple[str, ...]


def concepts(query: str, words: SearchWords | None = None) -> tuple[Concept, ...]:
    """The query as concepts: known everyday phrases first, then the remaining words.

    "wetting myself" is one concept that also finds "bladder", "leaking" and "pee".
    """
    known = words or search_words()
    text = " " + " ".join(_WORD_OR_APOSTROPHE.findall(_plain_query(query))) + " "
    found: list[Concept] = []
    for phrase in sorted(known.synonyms, key=len, reverse=True):
        if f" {phrase} " in text:
            found.append(Concept(phrase, (phrase, *known.synonyms[phrase])))
            text = text.replace(f" {phrase} ", " ")
    for word in query_words(text):
        found.append(Concept(word, (word, *known.synonyms.get(word, ()))))
    return tuple(dict.fromkeys(found))


def is_emergency_search(found: Iterable[Concept], words: SearchWords | None = None) -> bool:
    known = (words or search_words()).emergency_words
    return any(c.typed in known for c in found)


def _fields(explainer: Explainer) -> dict[str, str]:
    searchable = {k: v for k, v in explainer.sections.items() if k != "sources"}
    return {
        "title": explainer.title,
        "other_names": " ".join(explainer.other_names),
        "summary": explainer.summary,
        "signs": " ".join(explainer.sections[k] for k in OWN_SECTIONS),
        "body": " ".join(searchable.values()),
    }


def _has_word(text: str, word: str) -> bool:
    """A word matches the start of a word in the text: 'stiff' finds 'stiffness'."""
    return re.search(rf"\b{re.escape(word)}", text, re.I) is not None


def _count(text: str, word: str) -> int:
    return len(re.findall(rf"\b{re.escape(word)}", text, re.I))


#: The words the person typed count more than the words we added for them.
TYPED_FACTOR = 2
#: How many mentions in the body still add to the score (a long page is not better).
MAX_BODY_MENTIONS = 5


def relevance(explainer: Explainer, found: Iterable[Concept]) -> int:
    """How well an explainer fits the concepts; 0 when any concept is found nowhere.

    Each concept scores by its best alternative: the field weights where it
    appears, plus how often the page's own sections mention it (up to
    `MAX_BODY_MENTIONS`).
    """
    fields = _fields(explainer)
    total = 0
    for concept in found:
        points = max(
            (TYPED_FACTOR if alt == concept.typed else 1)
            * (
                sum(w for f, w in WEIGHTS.items() if _has_word(fields[f], alt))
                + min(_count(fields["signs"], alt), MAX_BODY_MENTIONS)
            )
            for alt in concept.alternatives
        )
        if points == 0:
            return 0
        total += points
    return total


def search(query: str, explainers: Iterable[Explainer] | None = None) -> tuple[Explainer, ...]:
    """Explainers that match every concept of the query, most relevant first.

    A search with a word that can mean an emergency sign ("bladder", "can't
    pee", "numb bum") puts the emergency explainers first. An empty query (or
    one of stop words only) lists them all in display order; ties keep display
    order, so the common patterns come before the rare ones.
    """
    pool = tuple(explainers if explainers is not None else load_all())
    found = concepts(query)
    if not found:
        return pool
    urgent_first = is_emergency_search(found)
    scored = [(relevance(e, found), i, e) for i, e in enumerate(pool)]
    ranked = sorted(scored, key=lambda t: (not (urgent_first and t[2].urgent), -t[0], t[1]))
    return tuple(e for points, _, e in ranked if points > 0)


def layout(explainer: Explainer) -> tuple[Section, ...]:
    """The sections in the order to show them.

    For an urgent explainer, "When to get help" moves to the top and is marked
    urgent so the page shows it as a warning before anything else.
    """
    keys = list(SECTIONS)
    if explainer.urgent:
        keys.remove("when_to_get_help")
        keys.insert(0, "when_to_get_help")
    return tuple(
        Section(
            key=k,
            heading=SECTIONS[k],
            text=explainer.sections[k],
            urgent=explainer.urgent and k == "when_to_get_help",
        )
        for k in keys
    )
