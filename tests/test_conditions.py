"""Condition explainers: content rules, the loader, search, and the Conditions page.

Content tests are table-driven over every id that must have an explainer, so a
new pattern without its explainer (or a file that breaks a rule) fails by name.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from backcare.content import conditions
from backcare.engine.patterns import FRACTURE_ALIAS, ORDER, SERIOUS
from backcare.engine.scores import ACUTE_BELOW_WEEKS, CHRONIC_ABOVE_WEEKS
from backcare.engine.wording import ContentError, pattern_text, triage_text
from tests.helpers import ROOT, SHARED

SEED = SHARED / "seed" / "back-pain-article.txt"
APP = str(ROOT / "app.py")
IDS = conditions.REQUIRED_IDS
PROSE_SECTIONS = [k for k in conditions.SECTIONS if k != "sources"]
#: "What helps" must cover self-care, exercise, and when tests or treatment are used.
WHAT_HELPS_PARTS = ("### Self-care", "### Exercise", "### When tests or treatment are used")


def by_id() -> dict[str, conditions.Explainer]:
    return {e.id: e for e in conditions.load_all()}


def prose(markdown: str) -> str:
    """The sentences a person reads: headings dropped (they are not sentences)."""
    return re.sub(r"^#+ .*$", "", markdown, flags=re.M)


def all_text() -> str:
    """Every word of every explainer a person can read, lower case, one line."""
    parts = []
    for e in conditions.load_all():
        parts += [e.title, e.summary, " ".join(e.other_names), e.body]
    return re.sub(r"\s+", " ", " ".join(parts).replace("*", "")).lower()


# --- every explainer --------------------------------------------------------------


def test_required_ids_are_the_patterns_plus_the_two_general_explainers() -> None:
    assert set(IDS) == {*ORDER, "acute_or_chronic", "when_to_get_help"}
    assert len(IDS) == len(ORDER) + 2
    assert sorted(conditions.DISPLAY_ORDER) == sorted(IDS)


@pytest.mark.parametrize("explainer_id", IDS)
def test_explainer_file_exists_and_loads(explainer_id: str) -> None:
    path = conditions.CONDITIONS_DIR / f"{explainer_id}.md"
    assert path.is_file(), f"missing {path}"
    explainer = conditions.load_file(path)
    assert explainer.id == explainer_id
    assert explainer.title.strip()
    assert isinstance(explainer.other_names, tuple)


@pytest.mark.parametrize("explainer_id", IDS)
def test_explainer_has_all_five_sections_in_order(explainer_id: str) -> None:
    explainer = by_id()[explainer_id]
    assert list(explainer.sections) == list(conditions.SECTIONS)
    for key, text in explainer.sections.items():
        assert text.strip(), f"{explainer_id}: empty section {key}"
    headings = re.findall(r"^## (.+)$", explainer.body, flags=re.M)
    assert headings == list(conditions.SECTIONS.values())


@pytest.mark.parametrize("explainer_id", IDS)
def test_what_helps_covers_self_care_exercise_and_tests(explainer_id: str) -> None:
    text = by_id()[explainer_id].sections["what_helps"]
    for part in WHAT_HELPS_PARTS:
        assert part in text, f"{explainer_id}: 'What helps' lacks '{part}'"


@pytest.mark.parametrize("explainer_id", IDS)
def test_explainer_names_its_sources(explainer_id: str) -> None:
    explainer = by_id()[explainer_id]
    assert len(explainer.sources) >= 1
    listed = explainer.sections["sources"]
    for source in explainer.sources:
        assert source in listed, f"{explainer_id}: '{source}' is not described under Sources"
    assert len(re.findall(r"^- ", listed, flags=re.M)) == len(explainer.sources)


@pytest.mark.parametrize("explainer_id", IDS)
def test_explainer_has_no_html_links_or_images(explainer_id: str) -> None:
    """Trusted, local content: nothing that could load from outside the machine."""
    body = by_id()[explainer_id].body
    assert not re.search(r"<[a-zA-Z/!]", body), "raw HTML"
    assert "](" not in body, "Markdown link or image"
    assert not re.search(r"https?://|www\.", body), "web address"


@pytest.mark.parametrize("pattern_id", ORDER)
def test_pattern_explainer_title_matches_the_results_name(pattern_id: str) -> None:
    """The Results page names the pattern; the explainer it links to has the same title."""
    assert by_id()[pattern_id].title == pattern_text()[pattern_id].name


# --- safety -----------------------------------------------------------------------

URGENT = (*SERIOUS, FRACTURE_ALIAS)


@pytest.mark.parametrize("explainer_id", URGENT)
def test_serious_explainers_put_urgent_help_first(explainer_id: str) -> None:
    explainer = by_id()[explainer_id]
    assert explainer.urgent
    first = conditions.layout(explainer)[0]
    assert (first.key, first.urgent) == ("when_to_get_help", True)
    assert "A&E" in first.text and "emergency number" in first.text
    assert "now" in first.text.lower()


@pytest.mark.parametrize("explainer_id", sorted(set(IDS) - {*URGENT, "when_to_get_help"}))
def test_other_explainers_keep_file_order_and_still_say_when_to_get_help(
    explainer_id: str,
) -> None:
    explainer = by_id()[explainer_id]
    assert not explainer.urgent
    assert [s.key for s in conditions.layout(explainer)] == list(conditions.SECTIONS)
    assert not any(s.urgent for s in conditions.layout(explainer))
    text = explainer.sections["when_to_get_help"]
    assert "A&E" in text or "When to get help now" in text
    assert "GP" in text


#: Each emergency sign of data/triage.yaml, as words the help explainer must use.
EMERGENCY_SIGN_WORDS = [
    ("between your legs", "wipe"),
    ("peeing", "pee or poo"),
    ("genitals", "erection"),
    ("both legs",),
    ("getting worse", "walk steadily"),
    ("bad fall", "car crash", "hard hit"),
    ("cancer", "numb legs", "trouble walking"),
    ("fever", "inject drugs", "weak immune system", "3 months"),
    ("very unwell", "newly weak or numb"),
    ("50 or over", "pulsing feeling in your tummy"),
    ("aneurysm",),
    ("blood thinner", "no fall or injury"),
    ("faint or collapse",),
]


def test_every_triage_emergency_sign_has_its_words_listed() -> None:
    assert len(EMERGENCY_SIGN_WORDS) == len(triage_text().emergency_signs)


@pytest.mark.parametrize("words", EMERGENCY_SIGN_WORDS)
def test_when_to_get_help_lists_each_emergency_sign(words: tuple[str, ...]) -> None:
    signs = by_id()["when_to_get_help"].sections["common_signs"].split("### Speak")[0]
    for word in words:
        assert word in signs


def test_acute_and_chronic_use_the_engines_thresholds() -> None:
    text = by_id()["acute_or_chronic"].sections["what_it_is"]
    assert f"less than {ACUTE_BELOW_WEEKS} weeks" in text
    assert f"more than {CHRONIC_ABOVE_WEEKS} weeks" in text
    assert "3 months" in text


def test_osteoarthritis_gives_joint_calcification_as_an_everyday_name() -> None:
    explainer = by_id()["osteoarthritis"]
    assert "joint calcification" in explainer.other_names
    assert "not medical terms" in explainer.sections["what_it_is"]


# --- the seed article ---------------------------------------------------------------

#: Every topic of the seed article. A topic is covered when each of its keyword
#: groups has at least one of its words somewhere in the explainers.
SEED_TOPICS: dict[str, list[tuple[str, ...]]] = {
    "muscle pain": [("muscle pain", "aching muscle")],
    "stabbing pain": [("stabbing",)],
    "pain into the leg": [("down one leg", "into one leg", "into the leg")],
    "worse bending, lifting, standing, walking": [
        ("bend",),
        ("lift",),
        ("stand",),
        ("walk",),
        ("worse",),
    ],
    "better lying down": [("lie down", "lying down"), ("ease", "better")],
    "acute under 6 weeks": [("acute",), ("less than 6 weeks",)],
    "chronic over 3 months": [("chronic",), ("3 months",)],
    "chronic is less common": [("much more common than chronic",)],
    "a fall or heavy lifting": [("fall",), ("heavy lifting",)],
    "osteoporosis and joint calcification as causes": [("osteoporosis",), ("joint calcification",)],
    "quality of life": [("your sleep, your mood, your work",)],
    "osteoarthritis of the lower back": [("osteoarthritis",), ("one kind of arthritis",)],
    "spinal stenosis from arthritis": [("spinal stenosis",), ("narrow",)],
    "porous bones": [("porous",), ("thin",)],
    "compression fractures": [("compression fracture",), ("vertebrae",)],
    "prevention by fitness and body mechanics": [
        ("chance of new back pain coming back", "stop it from coming back"),
        ("how to lift",),
    ],
    "scoliosis": [("scoliosis",), ("curves to the side",), ("childhood or the teen years",)],
    "low-impact aerobic activity": [("low-impact",), ("walking",), ("swimming",)],
    "ask a doctor which activities": [("physiotherapist",), ("gp",)],
    "trunk strength like a natural brace": [("trunk",), ("stomach and back support",)],
    "hips and upper legs flexibility": [("hips",), ("thighs",), ("stretch",)],
    "back pain is treatable": [("eased and managed",), ("much better within a few weeks",)],
}


@pytest.mark.parametrize("topic", sorted(SEED_TOPICS))
def test_every_seed_article_topic_is_covered(topic: str) -> None:
    text = all_text()
    for group in SEED_TOPICS[topic]:
        assert any(word in text for word in group), f"{topic}: none of {group}"


def seed_text() -> str:
    if not SEED.is_file():
        pytest.fail(f"the seed article is missing at {SEED} (../shared beside the project)")
    return SEED.read_text(encoding="utf-8")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))


def test_no_seed_article_sentence_is_copied() -> None:
    ours = " ".join(words(all_text()))
    sentences = [s for s in re.split(r"[.!?;\n]+", seed_text()) if len(words(s)) >= 4]
    assert len(sentences) > 10  # the split really found the article's sentences
    copied = [s.strip() for s in sentences if " ".join(words(s)) in ours]
    assert not copied


def test_no_run_of_eight_words_from_the_seed_article() -> None:
    theirs = words(seed_text())
    ours = " ".join(words(all_text()))
    runs = {" ".join(theirs[i : i + 8]) for i in range(len(theirs) - 7)}
    assert not [r for r in runs if r in ours]


#: The seed article's mistakes (in our words) and the phrase that must not return.
SEED_MISTAKES = [
    ("calls the vertebrae 'the spine of your spine'", "spine of your spine"),
    ("says 'heavy elevation' for heavy lifting", "elevation"),
    ("says scoliosis comes on by middle age", "middle age"),
    ("treats osteoarthritis and arthritis as the same", "also known as arthritis"),
    ("says flexible hips line up the pelvic bones", "pelvic bones"),
    ("promises to get rid of back pain", "get rid of"),
]


@pytest.mark.parametrize(("mistake", "phrase"), SEED_MISTAKES)
def test_seed_article_mistakes_are_not_repeated(mistake: str, phrase: str) -> None:
    assert phrase in seed_text().lower(), f"the seed no longer {mistake}"
    assert phrase not in all_text(), mistake


# --- loader -------------------------------------------------------------------------

GOOD = """---
id: demo
title: Demo
other_names: [example]
sources: [NICE NG59]
---

## What it is

Text.

## Common signs

Text.

## What helps

Text.

## When to get help

Text.

## Sources

- NICE NG59.
"""


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("---\nid", "id", 1), "front matter"),
        (GOOD.replace("title: Demo", "title: [Demo"), "not valid YAML"),
        (GOOD.replace("id: demo", "id: other"), "does not match the file name"),
        (GOOD.replace("id: demo\n", ""), "'id'"),
        (GOOD.replace("title: Demo\n", ""), "'title'"),
        (GOOD.replace("sources: [NICE NG59]", "sources: []"), "'sources' needs at least one"),
        (GOOD.replace("sources: [NICE NG59]", "sources: NICE NG59"), "'sources' must be a list"),
        (GOOD.replace("other_names: [example]", "other_names: [1]"), "'other_names'"),
        (GOOD.replace("## Common signs\n\nText.\n", ""), "missing or empty sections: Common"),
        (GOOD.replace("## What helps\n\nText.", "## What helps\n"), "What helps"),
        (GOOD.replace("## Sources", "## Further reading"), "unknown section"),
        (GOOD.replace("## Sources", "## What it is"), "appears twice"),
        (GOOD.replace("---\n\n## What it is", "---\nIntro.\n\n## What it is"), "before the first"),
        ("---\n- a list\n---\n## What it is\n", "'key: value'"),
    ],
)
def test_a_broken_file_raises_a_clear_content_error(
    tmp_path: Path, broken: str, message: str
) -> None:
    path = tmp_path / "demo.md"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(message)) as caught:
        conditions.load_file(path)
    assert "demo.md" in str(caught.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "demo.md"
    path.write_text(GOOD, encoding="utf-8")
    explainer = conditions.load_file(path)
    assert (explainer.id, explainer.title, explainer.sources) == ("demo", "Demo", ("NICE NG59",))
    assert explainer.sections["sources"] == "- NICE NG59."


def test_a_file_that_is_not_utf8_raises_a_content_error(tmp_path: Path) -> None:
    path = tmp_path / "demo.md"
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ContentError, match="cannot read"):
        conditions.load_file(path)


def test_a_missing_required_explainer_is_named(tmp_path: Path) -> None:
    (tmp_path / "demo.md").write_text(GOOD, encoding="utf-8")
    with pytest.raises(ContentError, match="sciatica"):
        conditions.load_dir(tmp_path, required=("demo", "sciatica"))
    assert [e.id for e in conditions.load_dir(tmp_path, required=("demo",))] == ["demo"]


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ContentError, match="missing"):
        conditions.load_dir(tmp_path / "nowhere")


def test_load_all_is_in_display_order_and_cached() -> None:
    assert [e.id for e in conditions.load_all()] == list(conditions.DISPLAY_ORDER)
    assert conditions.load_all() is conditions.load_all()


def test_pattern_explainers_default_their_summary_to_the_pattern_summary() -> None:
    assert by_id()["sciatica"].summary == pattern_text()["sciatica"].summary


# --- get and search ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("sciatica", "sciatica"),
        (" Spinal-Stenosis ", "spinal_stenosis"),
        ("WHEN TO GET HELP", "when_to_get_help"),
        ("nope", None),
        ("", None),
        ("![x](http://example.com/x.png)", None),
    ],
)
def test_get_finds_by_id_forgiving_case_and_dashes(raw: str, expected: str | None) -> None:
    found = conditions.get(raw)
    assert (found.id if found else None) == expected


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("leg pain", "sciatica"),
        ("back pain", "nonspecific_mechanical"),
        ("pain in my leg", "sciatica"),
        ("Sciatica", "sciatica"),
        ("slipped disc", "sciatica"),
        ("joint calcification", "osteoarthritis"),
        ("wear and tear", "osteoarthritis"),
        ("porous bones", "osteoporotic_fracture"),
        ("compression fracture", "osteoporotic_fracture"),
        ("SCOLIOSIS", "scoliosis"),
        ("chronic", "acute_or_chronic"),
        ("red flags", "when_to_get_help"),
        ("ankylosing spondylitis", "inflammatory"),
        ("narrowing", "spinal_stenosis"),
        ("pulled muscle", "muscle_strain"),
        ("cauda equina", "cauda_equina"),
    ],
)
def test_search_ranks_the_best_explainer_first(query: str, first: str) -> None:
    found = conditions.search(query)
    assert found and found[0].id == first, [e.id for e in found]


@pytest.mark.parametrize(
    ("query", "included"),
    [
        ("stiff morning", "inflammatory"),
        ("stiffness", "osteoarthritis"),
        ("pee", "cauda_equina"),
        ("fever", "spinal_infection"),
        ("weight", "spinal_malignancy"),
        ("swimming", "nonspecific_mechanical"),
    ],
)
def test_search_matches_the_text_too(query: str, included: str) -> None:
    assert included in [e.id for e in conditions.search(query)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("bladder", "cauda_equina"),
        ("bowel", "cauda_equina"),
        ("wetting myself", "cauda_equina"),
        ("can't pee", "cauda_equina"),
        ("can\u2019t pee", "cauda_equina"),
        ("numb bum", "cauda_equina"),
        ("blood thinner", "spinal_bleed"),
        ("warfarin", "spinal_bleed"),
        ("pregnant", "pregnancy_related"),
        ("kidney stone", "kidney"),
        ("water infection", "kidney"),
        ("rash", "shingles"),
        ("fainted", "when_to_get_help"),
    ],
)
def test_everyday_words_find_the_right_explainer_first(query: str, first: str) -> None:
    found = [e.id for e in conditions.search(query)]
    assert found and found[0] == first, found


@pytest.mark.parametrize("query", ["bladder", "bowel", "wetting myself", "numb bum"])
def test_emergency_words_put_every_emergency_explainer_before_the_rest(query: str) -> None:
    found = conditions.search(query)
    flags = [e.urgent for e in found]
    assert flags == sorted(flags, reverse=True), [(e.id, e.urgent) for e in found]


def test_a_word_that_is_no_emergency_sign_keeps_plain_relevance() -> None:
    """'stiff' is no emergency word: the inflammatory page leads, not an emergency page."""
    found = conditions.search("stiff")
    assert found[0].id == "inflammatory" and not found[0].urgent


def test_every_query_word_must_match() -> None:
    assert conditions.search("scoliosis") != ()
    assert conditions.search("scoliosis xyzzy") == ()
    assert conditions.search("xyzzy") == ()


def test_sources_are_not_searched() -> None:
    """'Lancet' is only in the source lists: a search for it finds nothing."""
    assert "Lancet" in by_id()["sciatica"].sections["sources"]
    assert conditions.search("lancet") == ()


@pytest.mark.parametrize("query", ["", "   ", "the", "back", "in my back?", "?!"])
def test_an_empty_query_lists_everything_in_display_order(query: str) -> None:
    """Stop words alone ('back', 'the') narrow nothing, so the whole list shows."""
    assert [e.id for e in conditions.search(query)] == list(conditions.DISPLAY_ORDER)


@given(st.text(max_size=40))
def test_search_never_fails_and_returns_each_explainer_at_most_once(query: str) -> None:
    found = conditions.search(query)
    ids = [e.id for e in found]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(conditions.DISPLAY_ORDER)
    found_concepts = conditions.concepts(query)
    for explainer in found:
        assert all(conditions.relevance(explainer, [c]) > 0 for c in found_concepts)


# --- the page -----------------------------------------------------------------------


@pytest.fixture
def at(started_app: AppTest) -> AppTest:
    return started_app.switch_page("pages/conditions.py")


def links(at: AppTest) -> list[str]:
    return [p.proto.label.strip("*") for p in at.get("page_link")]


def link_targets(at: AppTest) -> list[str]:
    return [p.proto.query_string for p in at.get("page_link")]


def shown(at: AppTest) -> str:
    kinds = ("markdown", "error", "warning", "info", "caption", "title", "header")
    return " ".join(str(e.value) for k in kinds for e in getattr(at, k))


def test_page_lists_every_explainer_with_a_search_box_and_the_note(at: AppTest) -> None:
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Conditions"
    assert at.text_input[0].label == "Search conditions"
    assert links(at) == [e.title for e in conditions.load_all()]
    assert triage_text().not_a_diagnosis in shown(at)
    for sign in triage_text().emergency_signs:
        assert sign in shown(at)


def test_page_links_deep_link_to_each_explainer(at: AppTest) -> None:
    at.run()
    assert link_targets(at) == [f"condition={i}" for i in conditions.DISPLAY_ORDER]


def test_page_search_puts_sciatica_first_for_leg_pain(at: AppTest) -> None:
    at.run()
    at.text_input[0].input("leg pain").run()
    assert not at.exception
    assert links(at)[0] == by_id()["sciatica"].title


def test_page_search_with_no_match_says_so(at: AppTest) -> None:
    at.run()
    at.text_input[0].input("xyzzy").run()
    assert links(at) == []
    assert "Nothing matches your search" in shown(at)


def test_page_deep_link_opens_the_sciatica_explainer(at: AppTest) -> None:
    at.query_params["condition"] = "sciatica"
    at.run()
    assert not at.exception, at.exception
    sciatica = by_id()["sciatica"]
    assert at.title[0].value == sciatica.title
    assert [h.value for h in at.header] == list(conditions.SECTIONS.values())
    text = shown(at)
    assert "NICE NG59" in text  # the sources are shown
    assert triage_text().not_a_diagnosis in text
    assert sciatica.sections["common_signs"] in text
    assert at.query_params["condition"] == "sciatica"


def test_page_deep_link_to_a_serious_pattern_shows_urgent_help_first(at: AppTest) -> None:
    at.query_params["condition"] = "cauda_equina"
    at.run()
    assert at.header[0].value == "When to get help"
    assert by_id()["cauda_equina"].sections["when_to_get_help"] == at.error[0].value


@pytest.mark.parametrize("bad", ["not-a-condition", "![x](http://example.com/x.png)"])
def test_page_unknown_deep_link_is_a_friendly_message_not_an_error(at: AppTest, bad: str) -> None:
    at.query_params["condition"] = bad
    at.run()
    assert not at.exception, at.exception
    assert "does not match any condition" in " ".join(w.value for w in at.warning)
    assert "example.com" not in shown(at)
    assert links(at) == [e.title for e in conditions.load_all()]
