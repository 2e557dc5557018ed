"""Every PromQL expression in the Grafana dashboards and the Prometheus rules names only metrics that Vigie
really exports (read from a live registry), Prometheus' own ``up`` / ``ALERTS``, or a recording rule."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from streams.desk.metrics import DeskMetrics
from streams.exporter import SnapshotCollector
from streams.metrics import Metrics

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the deploy files (pip install -e '.[test]')")

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
DASHBOARDS = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
RULES = DEPLOY / "prometheus" / "rules" / "vigie.yml"
DATASOURCE_UID = "vigie-prometheus"
PROMETHEUS_OWN = {"up", "ALERTS", "ALERTS_FOR_STATE"}

# Sample names a family exposes, by type (prometheus_client's text format).
SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",), "histogram": ("_bucket", "_sum", "_count", "_created"),
            "summary": ("", "_sum", "_count", "_created"), "info": ("_info",), "stateset": ("",), "unknown": ("",)}

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "inf", "nan", "atan2"}
_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|`[^`]*`')
_GRAFANA_VAR = re.compile(r"\$\{[^}]*\}|\$\w+")
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\[\]]*\]")
_LABEL_LIST = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")
_OFFSET = re.compile(r"\boffset\s+-?\w+")
_NUMBER = re.compile(r"(?<![\w:])(?:0x[0-9a-fA-F]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def exported_names() -> set[str]:
    """Sample names of every family the worker, the exporter and the desk API register, from a live registry."""
    registry = CollectorRegistry()
    Metrics.create(registry)
    DeskMetrics.create(registry)
    registry.register(SnapshotCollector())
    return {family.name + suffix for family in registry.collect() for suffix in SUFFIXES[family.type]}


def metric_names(expr: str) -> set[str]:
    """Metric names used by a PromQL expression (Grafana variables allowed): everything that is not a string,
    a label matcher or label list, a range or duration, a number, a keyword or a function call."""
    text = _STRING.sub(" ", expr)
    text = _GRAFANA_VAR.sub("1", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _LABEL_LIST.sub(" ", text)
    text = _OFFSET.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    names = set()
    for match in _IDENT.finditer(text):
        name = match.group()
        if name.lower() in KEYWORDS or re.match(r"\s*\(", text[match.end():]):
            continue
        names.add(name)
    return names


def rules() -> dict[str, Any]:
    return yaml.safe_load(RULES.read_text())


def recording_names() -> set[str]:
    return {rule["record"] for group in rules()["groups"] for rule in group["rules"] if "record" in rule}


def known_names() -> set[str]:
    return exported_names() | PROMETHEUS_OWN | recording_names()


def panels(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def dashboard_exprs(board: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target and every query variable (label_values(metric, label) → metric)."""
    for panel in panels(board["panels"]):
        for target in panel.get("targets", []):
            yield f"panel {panel['title']!r}", target["expr"]
    for var in board.get("templating", {}).get("list", []):
        if var.get("type") == "query":
            query = var["query"]["query"] if isinstance(var["query"], dict) else var["query"]
            inner = re.fullmatch(r"\s*label_values\((.*),\s*\w+\s*\)\s*", query)
            yield f"variable {var['name']!r}", inner.group(1) if inner else query


def unknown(exprs: Iterator[tuple[str, str]], known: set[str]) -> list[str]:
    return [f"{where}: {name} (in {expr})" for where, expr in exprs for name in sorted(metric_names(expr) - known)]


# --- the extractor itself ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("expr", "names"), [
    ('sum by (network) (rate(vigie_messages_consumed_total{network=~"x|facebook"}[5m]))',
     {"vigie_messages_consumed_total"}),
    ("histogram_quantile(0.95, sum by (le) (rate(vigie_triage_latency_seconds_bucket[$__rate_interval])))",
     {"vigie_triage_latency_seconds_bucket"}),
    ('max(group:vigie_consumer_lag_seconds:max{group=~"$group"}) > bool 60', {"group:vigie_consumer_lag_seconds:max"}),
    ('label_replace(absent(up{job="vigie-worker"} == 1), "reason", "no_worker_up", "", "")', {"up"}),
    ("a / ignoring (x) group_left (y, z) b offset 5m + sum(c[5m:1m]) without (d) * 1e3",
     {"a", "b", "c"}),
    ('count(ALERTS{alertstate="firing"}) or vector(0)', {"ALERTS"}),
    ("(sum (rate (x_total[2m])) > 0) unless on () (sum(y) > 0.05)", {"x_total", "y"}),
])
def test_extractor_finds_exactly_the_metric_names(expr: str, names: set[str]) -> None:
    assert metric_names(expr) == names


def test_a_wrong_metric_name_is_caught() -> None:
    board = {"panels": [{"title": "row", "type": "row", "panels": [
        {"title": "typo", "targets": [{"expr": 'sum(rate(vigie_consumed_messages_total{network="x"}[5m]))'}]}]}],
             "templating": {"list": [{"type": "query", "name": "group",
                                      "query": {"query": "label_values(vigie_lag_seconds, group)"}}]}}
    found = unknown(dashboard_exprs(board), known_names())
    assert len(found) == 2
    assert "vigie_consumed_messages_total" in found[0]
    assert "vigie_lag_seconds" in found[1]


def test_registry_names_include_both_processes() -> None:
    names = exported_names()
    assert {"vigie_messages_consumed_total", "vigie_batch_duration_seconds_bucket", "vigie_model_info",
            "vigie_consumer_lag_seconds", "vigie_resolves_total", "vigie_exporter_source_up"} <= names
    assert "vigie_messages_consumed" not in names  # a counter is exposed with _total only


# --- the deploy files -------------------------------------------------------------------------------------------

def test_both_dashboards_exist() -> None:
    assert {p.name for p in DASHBOARDS} >= {"vigie-overview.json", "vigie-detail.json"}


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_queries_use_exported_metrics(path: Path) -> None:
    board = json.loads(path.read_text())
    exprs = list(dashboard_exprs(board))
    assert exprs, "a dashboard with no query"
    assert unknown(iter(exprs), known_names()) == []


def test_rule_expressions_use_exported_metrics() -> None:
    exprs = ((rule.get("alert") or rule["record"], rule["expr"]) for group in rules()["groups"]
             for rule in group["rules"])
    assert unknown(exprs, known_names()) == []


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_dashboard_is_well_formed(path: Path) -> None:
    board = json.loads(path.read_text())
    assert board["uid"] == path.stem and board["title"] and board["schemaVersion"] >= 36
    all_panels = list(panels(board["panels"]))
    ids = [p["id"] for p in all_panels]
    assert len(ids) == len(set(ids)), "duplicate panel ids"
    for panel in all_panels:
        grid = panel["gridPos"]
        assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
        assert panel["targets"], f"panel {panel['title']!r} has no query"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_UID, panel["title"]
    cells = [(x, y) for p in all_panels
             for x in range(p["gridPos"]["x"], p["gridPos"]["x"] + p["gridPos"]["w"])
             for y in range(p["gridPos"]["y"], p["gridPos"]["y"] + p["gridPos"]["h"])]
    assert len(cells) == len(set(cells)), "panels overlap"


def test_dashboards_use_the_provisioned_datasource() -> None:
    provisioned = yaml.safe_load((DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml").read_text())
    assert [d["uid"] for d in provisioned["datasources"]] == [DATASOURCE_UID]
