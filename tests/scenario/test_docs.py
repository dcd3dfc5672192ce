"""The format documentation against the code, so that neither can drift from the other.

docs/scenario-format.md must show only examples that validate, document every key of every
scenario model (and no key the models lack), every KPI, every column of the ``--out`` tables and
every key of the JSON outputs; ``ccsim schema`` must spell out distributions and weekly hours; and
no document may point at files outside the repository.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import jsonschema
import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from simulator.cli import app
from simulator.errors import ScenarioError
from simulator.results.catalogue import COST_KEYS, KPI_KEYS, LOST_KEYS
from simulator.runs.output import OUTPUT_FILES
from simulator.scenario.distributions import Distribution
from simulator.scenario.loading import load_scenario_dict, read_yaml, scenario_json_schema
from simulator.scenario.models import Scenario
from simulator.units import split_unit

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scenario-format.md"
SCENARIOS = ROOT / "scenarios"
BASE = SCENARIOS / "minimal.yaml"
"""What the doc's partial examples complete (the doc says so above its examples)."""
WHOLE = {"arrivals", "reasons", "agents"}


# -- reading the document -----------------------------------------------------------------------
def _sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading text, lines up to the next heading) outside code fences; the text before the
    first heading is left out."""
    sections: list[tuple[str, list[str]]] = []
    fenced = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            sections.append((line.lstrip("#").strip(), []))
            continue
        if sections:
            sections[-1][1].append(line)
    return sections


def _rows(lines: list[str]) -> list[list[str]]:
    """Cells of the table rows among ``lines`` (header and separator rows included)."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in lines
        if line.lstrip().startswith("|")
    ]


def _ticked(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


def _first_column(lines: list[str]) -> list[str]:
    """The backticked names in the first cell of every table row of a section."""
    return [name for row in _rows(lines) for name in _ticked(row[0])]


DOC_TEXT = DOC.read_text(encoding="utf-8")
SECTIONS = _sections(DOC_TEXT)


def _section(title: str) -> list[str]:
    """The lines under the first heading that contains ``title``."""
    for heading, lines in SECTIONS:
        if title in heading:
            return lines
    raise AssertionError(f"docs/scenario-format.md has no heading containing {title!r}")


def _yaml_blocks() -> list[tuple[int, str]]:
    """(line number, text) of every ```yaml block of the document."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(DOC_TEXT.splitlines(), start=1):
        stripped = line.strip()
        if current is None and stripped == "```yaml":
            current, start = [], number
        elif current is not None and stripped == "```":
            blocks.append((start, "\n".join(current)))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


# -- examples -----------------------------------------------------------------------------------
BLOCKS = _yaml_blocks()


def test_the_document_has_examples_and_a_whole_scenario():
    assert len(BLOCKS) >= 10
    whole = [text for _, text in BLOCKS if set(_parse(text)) >= WHOLE]
    assert whole, "no example holds a whole scenario (arrivals, reasons and agents)"


def _parse(text: str) -> dict[str, Any]:
    """A block read exactly as ccsim reads a file (duplicate keys refused, ``1e3`` a number)."""
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "example.yaml"
        file.write_text(text, encoding="utf-8")
        data = read_yaml(file, "an example")
    assert isinstance(data, dict), "an example must be a mapping of top-level keys"
    return data


@pytest.mark.parametrize(("line", "text"), BLOCKS, ids=[f"line-{n}" for n, _ in BLOCKS])
def test_every_yaml_example_validates(line, text):
    """A whole scenario as it is; a partial one over scenarios/minimal.yaml, as the doc says.
    CSV files named in examples are those of scenarios/."""
    data = _parse(text)
    if not set(data) >= WHOLE:
        data = {**read_yaml(BASE, "the base scenario"), **data}
    try:
        load_scenario_dict(data, f"docs/scenario-format.md, example at line {line}", SCENARIOS)
    except ScenarioError as err:
        pytest.fail(str(err), pytrace=False)


def test_an_invalid_example_would_be_caught():
    """The example check is not vacuous: a wrong key in a block fails it."""
    bad = dict(read_yaml(BASE, "the base scenario"), horizon={"dayz": 1})
    with pytest.raises(ScenarioError, match="dayz"):
        load_scenario_dict(bad, "bad", SCENARIOS)


# -- every key of the scenario models -----------------------------------------------------------
def _models_in(annotation: Any, many: bool = False) -> Iterator[tuple[type[BaseModel], bool]]:
    """The models a field's type holds, and whether inside a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, many
        return
    origin = get_origin(annotation)
    if origin is dict:
        return  # the format's mappings hold numbers or text, never models
    for arg in get_args(annotation):
        yield from _models_in(arg, many or origin is list)


def _kind(model: type[BaseModel]) -> str | None:
    """The tag of a member of a discriminated union (``kind: invoice_run``)."""
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return None
    return get_args(field.annotation)[0]


def _model_places() -> list[tuple[str, str | None, type[BaseModel]]]:
    """(dotted path, kind tag, model) of every scenario model, at the first place it occurs.
    Distributions have a section of their own."""
    places: list[tuple[str, str | None, type[BaseModel]]] = [("", None, Scenario)]
    seen: set[type[BaseModel]] = {Scenario, Distribution}
    i = 0
    while i < len(places):
        path, _, model = places[i]
        for name, field in model.model_fields.items():
            for sub, many in _models_in(field.annotation):
                if sub not in seen:
                    seen.add(sub)
                    child = f"{path}.{name}" if path else name
                    places.append((child + ("[]" if many else ""), _kind(sub), sub))
        i += 1
    return places


def _heading_of(path: str, kind: str | None) -> tuple[str, list[str]] | None:
    for heading, lines in SECTIONS:
        named = f"`{path}`" in heading if path else heading == "Top-level keys"
        if named and (kind is None or f"`kind: {kind}`" in heading):
            return heading, lines
    return None


def test_every_key_of_every_scenario_model_is_documented():
    problems = []
    for path, kind, model in _model_places():
        where = f"`{path}`" + (f" with `kind: {kind}`" if kind else "") if path else "top level"
        found = _heading_of(path, kind)
        if found is None:
            problems.append(
                f"no heading for {where} ({model.__name__}): add a section with a table"
            )
            continue
        documented = set(_first_column(found[1]))
        for key in model.model_fields:
            if key not in documented:
                full = f"{path}.{key}" if path else key
                problems.append(f"undocumented key {full}: add a row to the table of {where}")
        problems += [
            f"the table of {where} documents `{key}`, which {model.__name__} does not have"
            for key in sorted(documented - set(model.model_fields))
        ]
    assert not problems, "docs/scenario-format.md:\n" + "\n".join(problems)


def test_the_model_walk_reaches_nested_models_list_items_and_union_members():
    """So that a new key anywhere in the format is noticed by the test above."""
    paths = {path: model for path, _, model in _model_places()}
    assert "concurrency" in paths["channels.chat"].model_fields
    assert "late_delay" in paths["third_parties[]"].model_fields
    assert "spread_days" in paths["drivers[].dispatch"].model_fields
    assert {kind for _, kind, _ in _model_places() if kind} == {
        "invoice_run",
        "incident",
        "proactive_outbound",
    }


def _variant_tokens(variant: dict[str, Any]) -> tuple[str, set[str]]:
    """A distribution kind of the JSON Schema and its parameters as the doc writes them."""
    props = dict(variant["properties"])
    kind = props.pop("dist")["const"]
    tokens = set()
    for key in props:
        unit = split_unit(key)
        tokens.add(f"{unit[0]}_<unit>" if unit else key)
    return kind, tokens


def test_every_distribution_kind_and_parameter_is_documented():
    rows = [row for row in _rows(_section("Distributions")) if len(row) >= 2]
    problems = []
    for variant in Distribution.model_json_schema()["oneOf"]:
        kind, tokens = _variant_tokens(variant)
        candidates = [set(_ticked(row[1])) for row in rows if f"`{kind}`" == row[0]]
        if not any(tokens <= documented for documented in candidates):
            problems.append(f"dist {kind} with keys {sorted(tokens)}")
    assert not problems, "undocumented distributions: " + "; ".join(problems)


# -- KPIs and outputs ---------------------------------------------------------------------------
def _compare_keys(documented: list[str], actual: set[str], what: str) -> None:
    missing = sorted(actual - set(documented))
    extra = sorted(set(documented) - actual)
    assert not missing, f"docs/scenario-format.md does not document {what}: {missing}"
    assert not extra, f"docs/scenario-format.md documents {what} that do not exist: {extra}"


def test_every_kpi_is_defined():
    _compare_keys(_first_column(_section("KPI definitions")), set(KPI_KEYS), "KPI keys")
    cost_keys = {*COST_KEYS, *LOST_KEYS}
    _compare_keys(_first_column(_section("Cost KPIs")), cost_keys, "cost KPI keys")


TINY = {
    "name": "tiny",
    "horizon": {"days": 1, "warmup_minutes": 60},
    "arrivals": {"per_hour": 20},
    "reasons": [{"name": "a", "share": 1, "handle_time": {"dist": "exponential", "mean_s": 200}}],
    "channels": {"phone": {"patience": {"dist": "exponential", "mean_s": 60}}},
    "agents": {"headcount": 2},
}


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    """A run of a tiny scenario and its --out folder (about a second)."""
    from simulator.runs.output import write_run
    from simulator.runs.replications import run

    result = run(load_scenario_dict(TINY), replications=2, workers=1)
    out = tmp_path_factory.mktemp("docs") / "out"
    now = datetime.now().astimezone()
    write_run(result, out, command_line="ccsim run tiny.yaml", started=now, finished=now, workers=1)
    return result, out


def test_run_json_and_out_folder_are_documented(tiny_run):
    result, out = tiny_run
    _compare_keys(_first_column(_section("`ccsim run --json`")), set(result.to_json()), "keys")
    folder = _rows(_section("The `--out` folder"))
    _compare_keys([n for row in folder for n in _ticked(row[0])], set(OUTPUT_FILES), "files")
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    meta = set(json.loads((out / "meta.json").read_text()))
    _compare_keys(_first_column(_section("`meta.json`")), meta, "meta.json keys")
    assert list(result.summary.columns) == ["replication", *KPI_KEYS]


def test_by_reason_and_by_group_keys_are_documented(tiny_run):
    """Every key of a reason and of a group (``cost`` comes with costs), and for which."""
    result, out = tiny_run
    rows = _rows(_section("`by_reason` and `by_group`"))[2:]
    of = {_ticked(row[0])[0]: set(row[1].replace(" ", "").split(",")) for row in rows}
    reason_keys = {k for k, who in of.items() if "reason" in who}
    group_keys = {k for k, who in of.items() if "group" in who}
    _compare_keys(sorted(reason_keys), {*result.by_reason["a"], "cost"}, "by_reason keys")
    _compare_keys(sorted(group_keys), set(result.by_group["agents"]), "by_group keys")
    header = (out / "by_reason.csv").read_text().splitlines()[0].split(",")
    assert header == ["replication", "reason", *result.by_reason["a"]]
    header = (out / "by_group.csv").read_text().splitlines()[0].split(",")
    assert header == ["replication", "group", *result.by_group["agents"]]


@pytest.mark.parametrize("table", ["intervals", "contacts", "journeys", "agents"])
def test_every_output_column_is_documented(tiny_run, table):
    result, _ = tiny_run
    columns = set(getattr(result, table).columns)
    _compare_keys(_first_column(_section(f"`{table}.parquet`")), columns, f"{table} columns")


def test_staff_json_keys_are_documented():
    from simulator.scenario.loading import load_scenario
    from simulator.studies.staffing import staff

    result = staff(load_scenario(BASE), "erlang-a", "contacts").to_json()
    documented = _first_column(_section("`ccsim staff --json`"))
    missing = sorted(set(result) - set(documented))
    assert not missing, f"docs/scenario-format.md does not document ccsim staff keys {missing}"
    row = next(r for r in _rows(_section("`ccsim staff --json`")) if r[0] == "`intervals`")
    per_interval = set(_ticked(row[1]))
    a2b = {"start_min", "offered_per_hour", "agents", "agents_exact", "service_level"}
    assert a2b <= per_interval


# -- ccsim schema -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def schema():
    printed = CliRunner().invoke(app, ["schema"])
    assert printed.exit_code == 0, printed.output
    parsed = json.loads(printed.stdout)
    assert parsed == json.loads(json.dumps(scenario_json_schema()))
    return parsed


def test_schema_spells_out_each_distribution_kind(schema):
    variants = {v["title"]: v for v in schema["$defs"]["Distribution"]["oneOf"]}
    lognormal = variants["lognormal"]
    assert {"cv", "mean_s", "mean_min", "mean_h", "mean_days"} <= set(lognormal["properties"])
    assert "cv" in lognormal["required"]
    assert {"required": ["mean_min"]} in lognormal["allOf"][0]["oneOf"]
    assert "minutes" in lognormal["properties"]["mean_min"]["description"]
    uniform = variants["uniform"]
    assert len(uniform["allOf"]) == 2  # min and max, each in exactly one unit
    assert variants["erlang"]["properties"]["k"]["type"] == "integer"


def _hours_schema(schema: dict[str, Any]) -> dict[str, Any]:
    field = schema["$defs"]["CalendarSettings"]["properties"]["opening_hours"]
    return next(option for option in field["anyOf"] if option.get("type") == "object")


def test_schema_shows_the_opening_hours_pattern(schema):
    hours = _hours_schema(schema)
    windows = re.compile(hours["additionalProperties"]["pattern"])
    days = re.compile(hours["propertyNames"]["pattern"])
    for text, valid in [("08:00-20:00", True), ("9:00-12:00,13:00-17:30", True), ("8-20", False)]:
        assert bool(windows.search(text)) is valid, text
    for text, valid in [("mon-fri", True), ("sat,sun", True), ("weekdays", False)]:
        assert bool(days.search(text)) is valid, text
    assert {"mon-fri": "08:00-20:00", "sat": "09:00-17:00"} in hours["examples"]
    phone = schema["$defs"]["Phone"]["properties"]["opening_hours"]["anyOf"]
    assert hours in phone


def _as_json(data: Any) -> Any:
    """YAML values (dates) as JSON, the form a JSON Schema validator checks."""
    return json.loads(json.dumps(data, default=str))


@pytest.mark.parametrize("file", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_library_scenarios_satisfy_the_schema(schema, file):
    validator = jsonschema.Draft202012Validator(schema)
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(_as_json(read_yaml(file, "a scenario")))
    ]
    assert not errors, errors


@pytest.mark.parametrize(
    ("change", "valid"),
    [
        ({"dist": "lognormal", "mean_min": 5, "cv": 0.5}, True),
        ({"dist": "lognormal", "mean_min": 5}, False),  # cv missing
        ({"dist": "exponential", "mean_s": 5, "mean_min": 1}, False),  # two units
        ({"dist": "exponential", "mean": 300}, False),  # no unit
        ({"dist": "uniform", "min_s": 30, "max_min": 5}, True),
        ({"dist": "erlang", "mean_s": 300, "k": 2.5}, False),
        ({"dist": "empirical", "values_s": [60, 120]}, True),
        ({"dist": "empirical"}, False),
        ({"mon-fri": "08:00-20:00", "Sat": "9:00-12:00, 13:00-17:00"}, True),
        ({"mon-fri": "8-20"}, False),
        ({"monday": "08:00-20:00"}, False),
        ({"mon": "08:00-24:00"}, True),
        ({"mon": "08:00-24:30"}, False),
    ],
)
def test_schema_and_validator_agree(schema, change, valid):
    """The schema accepts what ccsim accepts (within what a pattern can say)."""
    data = read_yaml(BASE, "the base scenario")
    if "dist" in change:
        data["reasons"][0]["handle_time"] = change
    else:
        data["calendar"] = {"opening_hours": change}
    by_schema = jsonschema.Draft202012Validator(schema).is_valid(_as_json(data))
    try:
        load_scenario_dict(data, "agree", SCENARIOS)
        by_ccsim = True
    except ScenarioError:
        by_ccsim = False
    assert (by_schema, by_ccsim) == (valid, valid)


# -- links --------------------------------------------------------------------------------------
def test_documents_do_not_point_outside_the_repository():
    """A clone has no ../shared; the README links the format documentation instead."""
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "../shared" in line or "/work/shared" in line
    ]
    assert not offenders, "\n".join(offenders)
    assert "(docs/scenario-format.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
