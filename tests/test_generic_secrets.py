"""Generic password/token rules report values, not code (sondier/literals.py), and a test's own
passwords in test files are test data. Secrets here are generated from a seeded generator."""

from __future__ import annotations

import json
import random
import string
from pathlib import Path

import pytest
from conftest import run_sondier

from sondier.chunks import Chunk
from sondier.detection import Detector
from sondier.findings import SECRET, TEST_DATA, Finding
from sondier.literals import Syntax, syntax_of
from sondier.rules import compile_rule, load_rules
from sondier.validators.secrets import is_test_path, value_written_for_tests

GENERIC = ("generic-api-key", "generic-password")
_RANDOM = random.Random(11)


def fake_secret(length: int = 24) -> str:
    """Random letters and digits, both cases: the shape of a generated credential."""
    alphabet = string.ascii_letters + string.digits
    while True:
        value = "".join(_RANDOM.choice(alphabet) for _ in range(length))
        if any(c.isdigit() for c in value) and any(c.isupper() for c in value) and any(c.islower() for c in value):
            return value


SECRET_A = fake_secret()
SECRET_B = fake_secret(32)


@pytest.fixture(scope="module")
def detector() -> Detector:
    return Detector([compile_rule(r) for r in load_rules() if r.id in GENERIC])


def generic_findings(detector: Detector, text: str, path: str) -> list[Finding]:
    return [f for f in detector.detect(Chunk(text, path)).findings if f.rule_id in GENERIC]


# Code shapes: an expression, a member access, a call, destructuring, an interpolation, a
# variable or a reference. None of them holds a secret.
CODE_SHAPES = [
    ("web/src/reset.ts", "const payload = { token: userReset?.token }"),
    ("web/src/login.js", "const { hashPassword: _hashPwd, ...rest } = user"),
    ("web/src/auth.ts", "user.access_token = this.currentUserValue?.access_token;"),
    ("web/src/server.ts", "  secret: SESSION_SECRET!,"),
    ("web/src/s3.mjs", "  secretAccessKey: S3_SECRET_ACCESS_KEY,"),
    ("web/src/docs.ts", '  ESPACE_DOM_MDP: params?.ESPACE_DOM_MDP ?? "",'),
    ("web/src/tpl.ts", "const url = `${base}?token=${sessionToken}`"),
    ("web/src/gql.ts", "mutation ChangePassword($oldPassword: String!, $newPassword: String!) {"),
    ("config/initializers/devise_token_auth.rb", "  config.token_cost = Rails.env.test? ? 4 : 10"),
    ("app/services/sms_sender.rb", "      userpwd: @api_key,"),
    ("app/controllers/sessions_controller.rb", "    password = params[:password]"),
    ("app/dashboards/user_dashboard.rb", "    reset_password_token: Field::String,"),
    ("config/initializers/keys.rb", '  api_key: ENV.fetch("API_KEY")'),
    ("app/models/user.rb", '    token = "#{prefix}#{id}"'),
    ("src/Controller/LoginController.php", "$password = $request->get('password');"),
    ("src/Security/Auth.php", "'password' => $plainPassword,"),
    ("src/main/java/fr/app/Auth.java", "String password = user.getPassword();"),
    ("src/main/java/fr/app/Auth.java", "this.apiToken = properties.apiToken;"),
    ("cmd/server/main.go", 'password := os.Getenv("X")'),
    ("cmd/server/main.go", "token := cfg.Token"),
    ("app/settings.py", 'token = f"{prefix}{id}"'),
    ("app/settings.py", "api_key = self.settings.api_key"),
    ("app/settings.py", "password = request.POST['password']"),
    ("deploy/start.sh", 'PASSWORD="${DB_PASSWORD}"'),
    ("deploy/start.sh", "TOKEN=`cat /run/secrets/token_file`"),
    ("deploy/start.sh", "export API_TOKEN=$API_TOKEN_FROM_VAULT"),
    ("chart/templates/secret.yaml", "  secret: {{ .Values.secret }}"),
    ("config/packages/security.yaml", "    secret: '%kernel.secret%'"),
    ("config/app.yaml", "  password: *default_password"),
    ("k8s/external-secret.yaml", "    - secretKey: S3_SECRET_ACCESS_KEY"),
    ("swagger/v1/api.json", '  "description": "Send token=AbCdEfGh12345678 in the header",'),
    ("app/models/domain.rb", '  secretariat_email: "secretariat-auto@mairie-exemple.fr"'),
    ("web/src/icons.ts", '  CHANGE_PASSWORD_SUCCESS: "fr-icon-lock-fill",'),
    ("web/src/chart.tsx", 'const ALERT_TOKEN = "--red-marianne-425-625";'),
    ("pdfjs/locale/viewer.properties", "password_cancel=Nkuvi-ka"),
    ("wiremock/auth.json", '  "DATE_PWD": "2024-04-30T15:33:19.000Z",'),
]


@pytest.mark.parametrize(("path", "line"), CODE_SHAPES)
def test_code_is_not_a_secret(detector: Detector, path: str, line: str) -> None:
    assert generic_findings(detector, line + "\n", path) == []


# Literal shapes: what someone typed. Each must yield exactly one generic finding, a secret.
def literal_shapes() -> list[tuple[str, str]]:
    a, b = SECRET_A, SECRET_B
    return [
        ("app/settings.py", f'API_KEY = "{b}"'),
        ("app/settings.py", f"DATABASE_PASSWORD = '{a}'"),
        ("web/src/config.ts", f'export const apiToken = "{b}";'),
        ("web/src/config.js", f"const client = new Client({{ apiKey: '{b}' }})"),
        ("web/src/config.ts", f"const secret = `{b}`;"),
        ("config/initializers/api.rb", f'  config.api_key = "{b}"'),
        ("config/initializers/api.rb", f"  password: '{a}',"),
        ("config/services.php", f"    'api_token' => '{b}',"),
        ("src/main/java/fr/app/Client.java", f'    private static final String API_SECRET = "{b}";'),
        ("cmd/server/main.go", f'const apiToken = "{b}"'),
        ("deploy/start.sh", f"export DB_PASSWORD={a}"),
        ("deploy/start.sh", f'API_TOKEN="{b}" ./run.sh'),
        ("config/app.yaml", f"  client_secret: {b}"),
        ("config/app.yaml", f'  password: "{a}"'),
        ("config/app.yml", f"  token: {b}  # rotated monthly"),
        (".env", f"SECRET_KEY={b}"),
        (".env.production", f'DB_PASSWORD="{a}"'),
        ("config/settings.json", f'{{"api_key": "{b}"}}'),
        ("config/app.properties", f"partner.api.secret={b}"),
        ("infra/main.tf", f'  administrator_login_password = "{a}"'),
        ("docs/setup.md", f"API_KEY={b}"),
    ]


@pytest.mark.parametrize(("path", "line"), literal_shapes())
def test_literals_are_reported(detector: Detector, path: str, line: str) -> None:
    found = generic_findings(detector, line + "\n", path)
    assert len(found) == 1, found
    assert found[0].verdict == SECRET and found[0].actionable


def test_url_password_is_reported_by_url_credentials() -> None:
    rules = [compile_rule(r) for r in load_rules() if r.id == "url-credentials"]
    text = f"REDIS_URL=redis://:{SECRET_A}@cache.prod.acme-interne.fr:6379/0\n"
    found = Detector(rules).detect(Chunk(text, ".env")).findings
    assert [f.rule_id for f in found] == ["url-credentials"]


def test_syntax_families() -> None:
    assert syntax_of("a/b/settings.py") is Syntax.CODE
    assert syntax_of(".env.local") is Syntax.CONFIG
    assert syntax_of("backend.test.env") is Syntax.CONFIG
    assert syntax_of("deploy/Dockerfile") is Syntax.SHELL
    assert syntax_of("values.yaml") is Syntax.CONFIG
    assert syntax_of("README.md") is Syntax.UNKNOWN


@pytest.mark.parametrize(
    "path",
    ["tests/test_login.py", "spec/models/user_spec.rb", "src/auth/login.spec.ts", "web/__tests__/a.ts",
     "src/test/java/fr/AuthTest.java", "tests/Functional/ProfilControllerTest.php", "pkg/auth_test.go",
     "db/seeds/users.rb", "src/e2e/upload.e2e.ts"],
)  # fmt: skip
def test_test_paths(path: str) -> None:
    assert is_test_path(path)


@pytest.mark.parametrize("path", ["app/models/user.rb", "src/main/java/fr/Auth.java", "config/app.yaml", "latest.py"])
def test_not_test_paths(path: str) -> None:
    assert not is_test_path(path)


TEST_PASSWORDS = [
    ("test/system/login_test.rb", "    password = 'Kikoo4test;123'"),
    ("spec/models/user_spec.rb", '  let(:user) { create(:user, password: "password123") }'),
    ("spec/features/login_spec.rb", '  create(:agent, password: "c0rrecThorse!")'),
    ("spec/models/user_spec.rb", "  password_confirmation: '1mot2passeSecurise!',"),
    ("src/users/__tests__/signup.integration.ts", 'const viablePassword = "Trackdechets1#";'),
    ("tests/Unit/LoginTest.php", "    '_csrf_token' => 'token123',"),
    ("tests/test_user.py", '    "password": "changeme"'),
    ("src/test/java/fr/app/DfcTest.java", '  private static final String DOC_TOKEN = "doc-token-123";'),
]


@pytest.mark.parametrize(("path", "line"), TEST_PASSWORDS)
def test_test_passwords_in_test_files_are_test_data(detector: Detector, path: str, line: str) -> None:
    found = generic_findings(detector, line + "\n", path)
    assert len(found) == 1
    finding = found[0]
    assert finding.verdict == TEST_DATA and not finding.actionable
    assert finding.confidence >= 0.5  # kept and listed apart, not hidden under the threshold
    assert finding.verdict_reasons


def test_random_literal_in_a_test_file_stays_a_secret(detector: Detector) -> None:
    found = generic_findings(detector, f'    api_key = "{SECRET_B}"\n', "tests/test_client.py")
    assert len(found) == 1 and found[0].verdict == SECRET


def test_words_outside_tests_are_not_test_data_by_shape() -> None:
    assert value_written_for_tests("Trackdechets1#") is not None
    assert value_written_for_tests(SECRET_B) is None
    assert value_written_for_tests("Y67xc6D7XBibZ6r") is None


def test_cli_reports_only_the_literals(tmp_path: Path) -> None:
    """The real command on a tree holding the code shapes and the literal shapes."""
    for index, (path, line) in enumerate(CODE_SHAPES):
        target = tmp_path / "code" / str(index) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(line + "\n", encoding="utf-8")
    literals = literal_shapes()
    for index, (path, line) in enumerate(literals):
        target = tmp_path / "literal" / str(index) / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(line + "\n", encoding="utf-8")
    report = tmp_path / "report.json"
    result = run_sondier(["scan", ".", "--rule", "generic-*", "-f", "json", "-o", str(report), "-q",
                          "--no-group-repeats"], cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    findings = json.loads(report.read_text())["findings"]
    paths = sorted({f["path"].split("/")[1] for f in findings if f["path"].startswith("literal")}, key=int)
    assert not [f for f in findings if f["path"].startswith("code")]
    assert paths == [str(i) for i in range(len(literals))]
    assert SECRET_A not in result.stdout + result.stderr + report.read_text()
