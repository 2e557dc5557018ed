"""docker-compose and Kubernetes manifests: they parse, pin their images, refer only to things that exist, set only
real settings, and wire KEDA, the PDB and the Services to the worker pods."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from streams.cli import main as cli
from streams.networks import NETWORKS
from streams.settings import Settings

yaml = pytest.importorskip("yaml", reason="PyYAML is needed to read the deploy files (pip install -e '.[test]')")

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
# An exact release: registry/name:1.2.3 with an optional suffix (v2.53.3, 7.4.2-alpine, 3.11.11-slim-bookworm).
PINNED = re.compile(r"^[a-z0-9][\w./-]*:v?\d+\.\d+\.\d+(?:[-.][\w.-]+)?$")


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def manifests() -> list[dict[str, Any]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        docs += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return docs


def one(kind: str, name: str) -> dict[str, Any]:
    found = [d for d in manifests() if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def pod_specs() -> Iterator[tuple[str, dict[str, Any]]]:
    for doc in manifests():
        if doc["kind"] in {"Deployment", "StatefulSet", "DaemonSet"}:
            yield doc["metadata"]["name"], doc["spec"]["template"]["spec"]


def setting_field(variable: str) -> str:
    return variable.removeprefix("VIGIE_").lower()


# --- images ---------------------------------------------------------------------------------------------------

def images() -> list[tuple[str, str]]:
    found = [(f"compose {name}", svc["image"]) for name, svc in compose()["services"].items() if "image" in svc]
    found += [(f"k8s {name}", c["image"]) for name, spec in pod_specs()
              for c in spec.get("initContainers", []) + spec["containers"]]
    found += [("Dockerfile", line.split()[1]) for line in (DEPLOY / "Dockerfile").read_text().splitlines()
              if line.startswith("FROM ")]
    return found


def test_every_image_is_pinned_to_an_exact_version() -> None:
    found = images()
    assert len(found) >= 8
    loose = [f"{where}: {image}" for where, image in found if not PINNED.match(image) or ":latest" in image]
    assert loose == []


@pytest.mark.parametrize("image", ["redis", "redis:latest", "redis:7", "redis:7.4", "grafana/grafana:main"])
def test_the_pin_check_refuses_loose_tags(image: str) -> None:
    assert not PINNED.match(image)


# --- docker-compose -------------------------------------------------------------------------------------------

def test_compose_dependencies_and_volumes_exist() -> None:
    doc = compose()
    services, named = doc["services"], set(doc.get("volumes") or {})
    for name, svc in services.items():
        depends = svc.get("depends_on") or []
        for dep in depends if isinstance(depends, list) else depends.keys():
            assert dep in services, f"{name} depends on unknown service {dep}"
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (DEPLOY / source).exists(), f"{name}: {source} does not exist"
            else:
                assert source in named, f"{name}: volume {source} is not declared"
        if "build" in svc:
            context = DEPLOY / svc["build"]["context"]
            assert (context / svc["build"]["dockerfile"]).is_file()
            assert (context / "pyproject.toml").is_file()


def test_compose_runs_real_vigie_commands() -> None:
    services = compose()["services"]
    for name in ("worker", "exporter"):
        assert services[name]["command"][0] in cli.commands, name
        assert services[name]["command"][0] == name


def vigie_env_compose() -> dict[str, str]:
    env: dict[str, str] = {}
    for svc in compose()["services"].values():
        environment = svc.get("environment") or {}
        if isinstance(environment, list):
            environment = dict(item.split("=", 1) for item in environment)
        env.update({k: str(v) for k, v in environment.items() if k.startswith("VIGIE_")})
    return env


def vigie_env_k8s() -> dict[str, str]:
    env = dict(one("ConfigMap", "vigie-config")["data"])
    env.update(one("Secret", "vigie-secrets").get("stringData", {}))
    for _, spec in pod_specs():
        for container in spec["containers"]:
            env.update({e["name"]: e.get("value", "") for e in container.get("env", [])})
    return env


def dockerfile_env() -> set[str]:
    return set(re.findall(r"\b(VIGIE_[A-Z_]+)=", (DEPLOY / "Dockerfile").read_text()))


def test_every_vigie_variable_is_a_real_setting() -> None:
    variables = set(vigie_env_compose()) | set(vigie_env_k8s()) | dockerfile_env()
    assert {"VIGIE_KAFKA_URL", "VIGIE_REDIS_URL", "VIGIE_METRICS_HOST"} <= variables
    unknown = sorted(v for v in variables if setting_field(v) not in Settings.model_fields)
    assert unknown == []


def test_the_settings_parse() -> None:
    for env in (vigie_env_compose(), vigie_env_k8s()):
        Settings(**{setting_field(k): v for k, v in env.items()})


def test_every_setting_is_documented() -> None:
    docs = (DEPLOY / "README.md").read_text() + (ROOT / "README.md").read_text()
    missing = [f"VIGIE_{name.upper()}" for name in Settings.model_fields if f"VIGIE_{name.upper()}" not in docs]
    assert missing == []


def test_metrics_ports_match_the_scrape_config() -> None:
    env = vigie_env_compose()
    scrape = {job["job_name"]: job for job in yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text())
              ["scrape_configs"]}
    assert env["VIGIE_METRICS_HOST"] == "0.0.0.0"
    assert scrape["vigie-worker"]["dns_sd_configs"][0]["names"] == ["worker"]
    assert scrape["vigie-worker"]["dns_sd_configs"][0]["port"] == int(env["VIGIE_METRICS_PORT"])
    assert scrape["vigie-exporter"]["static_configs"][0]["targets"] == [f"exporter:{env['VIGIE_EXPORTER_PORT']}"]


# --- Kubernetes -----------------------------------------------------------------------------------------------

def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    files = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == files
    assert kustomization["namespace"] == one("Namespace", "vigie")["metadata"]["name"]


def test_pods_refer_to_existing_config_and_secret() -> None:
    for name, spec in pod_specs():
        for container in spec["containers"]:
            assert container["args"][0] in cli.commands, name
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    one("ConfigMap", source["configMapRef"]["name"])
                if "secretRef" in source:
                    one("Secret", source["secretRef"]["name"])
            assert container["resources"]["requests"] and container["resources"]["limits"]["memory"], name


def pod_labels(deployment: str) -> dict[str, str]:
    return one("Deployment", deployment)["spec"]["template"]["metadata"]["labels"]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def test_pdb_selects_the_worker_pods_only() -> None:
    selector = one("PodDisruptionBudget", "vigie-worker")["spec"]["selector"]["matchLabels"]
    assert selects(selector, pod_labels("vigie-worker"))
    assert not selects(selector, pod_labels("vigie-exporter"))


def test_services_select_pods_and_ports_that_exist() -> None:
    for svc in (d for d in manifests() if d["kind"] == "Service"):
        targets = [name for name, _ in pod_specs() if selects(svc["spec"]["selector"], pod_labels(name))]
        assert len(targets) == 1, svc["metadata"]["name"]
        ports = {p["name"] for c in one("Deployment", targets[0])["spec"]["template"]["spec"]["containers"]
                 for p in c["ports"]}
        assert {p["targetPort"] for p in svc["spec"]["ports"]} <= ports


def test_exporter_runs_once() -> None:
    assert one("Deployment", "vigie-exporter")["spec"]["replicas"] == 1


def test_keda_scales_the_worker_on_its_own_group_and_topics() -> None:
    scaled = one("ScaledObject", "vigie-worker")["spec"]
    config = one("ConfigMap", "vigie-config")["data"]
    assert scaled["scaleTargetRef"]["name"] == one("Deployment", "vigie-worker")["metadata"]["name"]
    assert scaled["scaleTargetRef"].get("kind", "Deployment") == "Deployment"
    low, high, partitions = scaled["minReplicaCount"], scaled["maxReplicaCount"], int(config["VIGIE_PARTITIONS"])
    assert 1 <= low <= high, f"KEDA bounds {low}..{high}: at least one worker, and min <= max"
    # a partition is the unit of parallelism: workers beyond the partitions of a topic would sit idle on it
    assert high <= partitions, f"maxReplicaCount {high} > VIGIE_PARTITIONS {partitions}"
    kafka = [t["metadata"] for t in scaled["triggers"] if t["type"] == "kafka"]
    prefix = config["VIGIE_TOPIC_PREFIX"]
    assert {t["topic"] for t in kafka} == {f"{prefix}.raw.{n}" for n in NETWORKS} | {f"{prefix}.raw"}
    assert {t["consumerGroup"] for t in kafka} == {config["VIGIE_GROUP_ID"]}
    assert {t["bootstrapServers"] for t in kafka} == {config["VIGIE_KAFKA_URL"].removeprefix("kafka://")}
    rules = (DEPLOY / "prometheus" / "rules" / "vigie.yml").read_text()
    for trigger in (t["metadata"] for t in scaled["triggers"] if t["type"] == "prometheus"):
        name = re.match(r"\w+\(([\w:]+)", trigger["query"]).group(1)
        assert f"record: {name}" in rules
