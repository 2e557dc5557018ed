"""The Prometheus configuration and rules are valid for promtool, and the rules' unit tests pass."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the deploy files (pip install -e '.[test]')")

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
CONFIGS = [PROMETHEUS / "prometheus.yml", PROMETHEUS / "prometheus-k8s.yml"]  # docker-compose, Kubernetes
RULES = PROMETHEUS / "rules" / "vigie.yml"
RULE_TESTS = PROMETHEUS / "tests" / "vigie_test.yml"
REQUIRED_ALERTS = {"CriticalItemWaiting", "ConsumerLagHigh", "DeadLetterRate", "NoWorkerConsuming",
                   "LeaseExpiriesRising", "ExporterDown", "ExporterSourceDown"}


@pytest.fixture(scope="module")
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool not installed (Debian/Ubuntu: apt-get install prometheus); promtool checks skipped")
    return path


def run(promtool: str, *args: str) -> str:
    # Run from the config's folder: promtool resolves rule_files relative to the file that names them.
    proc = subprocess.run([promtool, *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=60)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    return output


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_config_is_valid(promtool: str, config: Path) -> None:
    output = run(promtool, "check", "config", str(config))
    assert "1 rule files found" in output  # the rule_files glob really matched the rules


@pytest.mark.parametrize("config", CONFIGS, ids=lambda p: p.name)
def test_rules_name_only_jobs_the_config_scrapes(config: Path) -> None:
    jobs = {job["job_name"] for job in yaml.safe_load(config.read_text())["scrape_configs"]}
    named = set(re.findall(r'job="([^"]+)"', RULES.read_text()))
    assert named, "the rules should watch the scrape targets themselves (up{job=...})"
    assert named <= jobs


def test_rules_are_valid(promtool: str) -> None:
    run(promtool, "check", "rules", str(RULES))


def test_rule_unit_tests_pass(promtool: str) -> None:
    assert "SUCCESS" in run(promtool, "test", "rules", str(RULE_TESTS))


def alerts() -> list[dict]:
    return [rule for group in yaml.safe_load(RULES.read_text())["groups"] for rule in group["rules"]
            if "alert" in rule]


def test_every_alert_has_severity_summary_and_runbook() -> None:
    names = {rule["alert"] for rule in alerts()}
    assert names >= REQUIRED_ALERTS
    for rule in alerts():
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert "Runbook:" in rule["annotations"]["description"], rule["alert"]


def test_every_alert_is_unit_tested_firing_and_not_firing() -> None:
    cases = [case for test in yaml.safe_load(RULE_TESTS.read_text())["tests"] for case in test["alert_rule_test"]]
    for rule in alerts():
        mine = [case for case in cases if case["alertname"] == rule["alert"]]
        assert any(case["exp_alerts"] for case in mine), f"{rule['alert']} is never shown firing"
        assert any(not case["exp_alerts"] for case in mine), f"{rule['alert']} is never shown not firing"
