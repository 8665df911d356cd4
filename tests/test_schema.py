"""The JSON Schemas editors use: current, complete, and in agreement with factdeck itself."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from factdeck.errors import FactdeckError
from factdeck.model import CARD_FILE_FIELDS, CARD_KINDS, SETTINGS_FIELDS, SOURCE_FIELDS
from factdeck.pipeline import read_deck
from factdeck.schema import SCHEMA_FILES, render_schemas
from factdeck.validate import card_fields

from conftest import REPO, ROOTS

SCHEMAS = {name: json.loads(text) for name, text in render_schemas().items()}


class EditorLoader(yaml.SafeLoader):
    """Reads YAML roughly as the YAML language server does (YAML 1.2: no date type)."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def schema_for(path: Path) -> dict:
    """The schema a file's modeline names, or the one its name implies."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.match(r"# yaml-language-server: \$schema=(\S+)$", first)
    if match:
        return json.loads((path.parent / match.group(1)).read_text(encoding="utf-8"))
    name = {"deck.yaml": "deck.schema.json", "sources.yaml": "sources.schema.json"}.get(path.name)
    return SCHEMAS[name or "cards.schema.json"]


def schema_errors(path: Path) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)
    validator = jsonschema.Draft7Validator(schema_for(path))
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_committed_schema_is_current():
    for name, text in render_schemas().items():
        committed = (REPO / "schema" / name).read_text(encoding="utf-8")
        assert committed == text, f"schema/{name} is stale: run 'factdeck schema' and commit it"
    assert sorted(p.name for p in (REPO / "schema").iterdir()) == sorted(SCHEMA_FILES)


def test_the_schemas_are_valid_draft_7():
    for schema in SCHEMAS.values():
        jsonschema.Draft7Validator.check_schema(schema)


def test_every_field_of_the_model_and_validator_is_described():
    cards = SCHEMAS["cards.schema.json"]
    assert set(cards["properties"]) == set(CARD_FILE_FIELDS)
    for kind, cls in CARD_KINDS.items():
        branch = cards["definitions"][kind]
        assert set(branch["properties"]) == set(card_fields(cls))
        assert set(cls.field_names(required=True)) <= set(branch["required"])
        assert all(prop["description"] for prop in branch["properties"].values())
    deck = SCHEMAS["deck.schema.json"]
    assert set(deck["properties"]) == set(SETTINGS_FIELDS)
    assert set(deck["properties"]["note_type_ids"]["properties"]) == set(CARD_KINDS)
    sources = SCHEMAS["sources.schema.json"]["properties"]["sources"]["additionalProperties"]
    assert set(sources["properties"]) == set(SOURCE_FIELDS)


@pytest.mark.parametrize("path", sorted((REPO / "cards").glob("*.yaml")) + sorted((ROOTS / "minimal").glob("*.yaml")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_decks_pass_the_schema(path):
    assert schema_errors(path) == []


def test_a_new_decks_modelines_name_schemas_that_accept_it(run_cli, tmp_path):
    assert run_cli("new", tmp_path / "deck").code == 0
    files = sorted((tmp_path / "deck" / "cards").glob("*.yaml"))
    assert [p.name for p in files] == ["deck.yaml", "examples.yaml", "sources.yaml"]
    for path in files:
        assert path.read_text().startswith("# yaml-language-server: $schema=../schema/")
        assert schema_errors(path) == []


# Edits of tests/roots/minimal/cards.yaml and whether factdeck reports an error for them
# (warnings do not count: the editor should not flag what the build accepts).
EDITS = {
    "misspelt field": ("definition: A collective farm.", "defintion: A collective farm.", True),
    "another kind's field": ("by: Joseph Stalin", "term: Joseph Stalin", True),
    "missing field": ("    figure: about 97 percent\n", "", True),
    "blank text": ("term: Kolkhoz", 'term: ""', True),
    "unknown kind": ("kind: fact", "kind: trivia", True),
    "bad id": ("id: kolkhoz", "id: Kolkhoz Farm", True),
    "tag with a space": ("tags: [basics]", "tags: [basic facts]", True),
    "unknown file key": ("deck: Basics", "deck: Basics\ntitle: Basics", True),
    "no deck": ("deck: Basics\n", "", True),
    "unquoted number as text": ('date: "1928"', "date: 1928", False),
    "optional field left out": ("    date: February 1931\n", "", False),
    "empty note": ("note: The plan had called for only 20 percent.", "note:", False),
    "tags as one word": ("tags: [basics]", "tags: basics", False),
    "no source (a warning)": ("answer: Industrialization\n    source: book\n", "answer: Industrialization\n", False),
    "sources as a list": ("source: book\n  - id: plan", "source: [book]\n  - id: plan", False),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_the_schema_flags_exactly_what_factdeck_rejects(edit, root):
    old, new, factdeck_rejects = EDITS[edit]
    cards = root("minimal")
    path = cards / "cards.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    try:
        read_deck(cards)
        rejected = False
    except FactdeckError:
        rejected = True
    assert rejected == factdeck_rejects
    assert bool(schema_errors(path)) == factdeck_rejects, schema_errors(path)


def test_errors_name_the_field_of_the_chosen_kind(root):
    cards = root("minimal")
    path = cards / "cards.yaml"
    path.write_text(path.read_text().replace("by: Joseph Stalin", "term: Joseph Stalin"))
    errors = schema_errors(path)
    assert any("'by' is a required property" in e for e in errors)
    assert any("'term' was unexpected" in e for e in errors)
