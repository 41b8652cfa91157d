"""Throw-away git repositories for tests.

    repo = make_repo(tmp_path)
    repo.write("src/app.py", "x = 1\\n")
    sha = repo.commit("first", author="Alice <alice@example.org>", date="2024-01-02T03:04:05+00:00")
    repo.run_git("checkout", "-b", "feature")

Commits are reproducible: fixed committer identity and dates, no user or system git config
(GIT_CONFIG_GLOBAL / GIT_CONFIG_NOSYSTEM), signing and hooks off."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_AUTHOR = "Test Author <author@example.org>"
DEFAULT_DATE = "2024-01-01T12:00:00+00:00"


def git_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        HOME=str(home),
        LC_ALL="C",
        GIT_COMMITTER_NAME="Test Committer",
        GIT_COMMITTER_EMAIL="committer@example.org",
        GIT_COMMITTER_DATE=DEFAULT_DATE,
    )
    return env


@dataclass
class GitRepo:
    path: Path
    env: dict[str, str] = field(repr=False)
    _tick: int = 0

    def run_git(self, *args: str, input: bytes | None = None, check: bool = True) -> str:
        """Run git in the repository; returns stdout (text). Raises on failure unless check=False."""
        done = subprocess.run(["git", *args], cwd=self.path, env=self.env, input=input, capture_output=True)
        if check and done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode("utf-8", errors="replace")

    def write(self, path: str, text: str | bytes, encoding: str = "utf-8") -> Path:
        """Write a file (text or raw bytes), creating folders; does not stage it."""
        target = self.path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = text if isinstance(text, bytes) else text.encode(encoding)
        target.write_bytes(data)
        return target

    def remove(self, path: str) -> None:
        self.run_git("rm", "-q", "--", path)

    def move(self, source: str, target: str) -> None:
        """`git mv`, creating the target's folder."""
        (self.path / target).parent.mkdir(parents=True, exist_ok=True)
        self.run_git("mv", "--", source, target)

    def stage(self, *paths: str) -> None:
        self.run_git("add", "-A", "--", *(paths or (".",)))

    def commit(self, message: str = "change", author: str = DEFAULT_AUTHOR, date: str | None = None,
               stage_all: bool = True) -> str:
        """Stage everything (unless stage_all=False) and commit; returns the new commit's sha."""
        if stage_all:
            self.stage()
        self._tick += 1
        when = date or f"2024-01-{min(self._tick, 28):02d}T12:{self._tick % 60:02d}:00+00:00"
        env = dict(self.env, GIT_COMMITTER_DATE=when)
        done = subprocess.run(["git", "commit", "-q", "--allow-empty", "--no-verify", "-m", message,
                               f"--author={author}", f"--date={when}"],
                              cwd=self.path, env=env, capture_output=True)
        if done.returncode != 0:
            raise AssertionError(f"git commit failed: {done.stderr.decode(errors='replace')}")
        return self.head()

    def head(self) -> str:
        return self.run_git("rev-parse", "HEAD").strip()

    def clone(self, target: Path, *args: str) -> GitRepo:
        """Clone this repository (e.g. args=("--depth", "1") for a shallow clone)."""
        subprocess.run(["git", "clone", "-q", *args, self.path.as_uri(), str(target)], env=self.env, check=True,
                       capture_output=True)
        return GitRepo(target, self.env)


def make_repo(tmp_path: Path, name: str = "repo", branch: str = "main") -> GitRepo:
    """An empty repository in tmp_path/name with an isolated git configuration."""
    home = tmp_path / f".{name}-home"
    home.mkdir(parents=True, exist_ok=True)
    (home / "gitconfig").write_text(
        "[user]\n\tname = Test Author\n\temail = author@example.org\n"
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n"
        "[protocol \"file\"]\n\tallow = always\n"
    )
    env = git_env(home)
    path = tmp_path / name
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", branch, str(path)], env=env, check=True, capture_output=True)
    return GitRepo(path, env)


# --- generated personal data for fixtures (never real people) -----------------------------------


def personal_email(seed: int) -> str:
    """A plausible personal address at a real mail provider (not an RFC 2606 test domain)."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    user = fake.user_name()
    domain = ("orange.fr", "laposte.net", "free.fr", "sfr.fr", "wanadoo.fr")[seed % 5]
    return f"{user}.{seed}@{domain}"


def nir(seed: int) -> str:
    """A NIR with a valid key, built from a seed (sex, year, month, department, commune, order)."""
    import random

    rng = random.Random(seed)
    body = (f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}"
            f"{rng.randint(1, 899):03d}{rng.randint(1, 999):03d}")
    return f"{body}{97 - int(body) % 97:02d}"


def github_token(seed: int) -> str:
    """A GitHub personal-access-token shape with random characters (no real token)."""
    import random
    import string

    rng = random.Random(seed)
    return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def leaky_repo(tmp_path: Path, name: str = "leaky", people: int = 20) -> tuple[GitRepo, list[str]]:
    """A repository that leaked: a CSV export of NIRs and e-mails and a token committed in 2022 and
    still in HEAD, and a phone list removed from HEAD in 2023 (so only in the history). Returns the
    repository and every planted value, for tests that check none of them is printed."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(13)
    repo = make_repo(tmp_path, name)
    nirs = [nir(i) for i in range(people)]
    emails = [personal_email(i) for i in range(people)]
    phones = [f"06{fake.numerify('########')}" for _ in range(5)]
    token = github_token(7)
    repo.write("data/export.csv", "nir,email\n" + "".join(f"{n},{e}\n" for n, e in zip(nirs, emails, strict=True)))
    repo.write("config.py", f'GITHUB_TOKEN = "{token}"\n')
    repo.write("contacts.txt", "".join(f"portable : {p}\n" for p in phones))
    repo.commit("import", author="Camille Leroy <camille.leroy@example.org>", date="2022-05-03T09:00:00+00:00")
    repo.remove("contacts.txt")
    repo.commit("remove the contacts", date="2023-02-01T09:00:00+00:00")
    return repo, [*nirs, *emails, *phones, token]
