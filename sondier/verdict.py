"""The verdict stage: whose a validated value is and why it is there.

A validator says "this is a well-formed address"; the verdict says whether it is a person's
(`personal`, the default), a public body's published contact (`public-contact`), authorship
metadata (`contributor`), a legal person's identifier (`business`) or made up (`test-data`).
Only `personal` and `secret` fail a scan; the others are counted and listed apart.

The verdict is read from the value, its line and its record, never from the folder: a real
export copied into `tests/fixtures/` stays personal. It runs in two steps: `Judge.judge` on
each finding while its line is at hand (in the workers), then `judge_records` once all the
findings of a scan are known (a SIRET is a person's when its record holds a person's data).
The word lists are data files in sondier/verdicts/, each with its source, extended by the
`verdicts:` section of the configuration."""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any, ClassVar

from sondier.errors import ConfigError
from sondier.findings import BUSINESS, CONTRIBUTOR, PERSONAL, PUBLIC_CONTACT, TEST_DATA, Finding
from sondier.i18n import N_, _
from sondier.reasons import AUTHORSHIP_FILE, ORGANISATION_RECORD, PERSON_RECORD
from sondier.rules import fold

LISTS_DIR = Path(__file__).parent / "verdicts"
BUSINESS_RULES = frozenset({"fr-siren", "fr-siret", "fr-tva", "fr-finess"})  # FINESS: an establishment
# Rules whose values identify a person: one of them in a record makes its SIRET a person's.
_PERSON_RULES = frozenset({"email", "fr-phone", "fr-nir", "iban", "payment-card", "fr-nif", "fr-passport", "mrz"})
# Reasons are English catalog msgids, marked with `N_()` where they are written (or templates of
# sondier/reasons.py): reports translate them when they print them (sondier.reasons.localized).
ROLE_MAILBOX = N_("role mailbox")


@dataclass(frozen=True)
class VerdictLists:
    public_domains: tuple[str, ...] = ()
    role_local_parts: frozenset[str] = frozenset()
    disposable_domains: tuple[str, ...] = ()
    contributor_files: tuple[str, ...] = ()
    test_words: frozenset[str] = frozenset()
    generic_words: frozenset[str] = frozenset()
    fiction_words: frozenset[str] = frozenset()
    mail_providers: frozenset[str] = frozenset()
    organisation_words: frozenset[str] = frozenset()
    placeholder_prefixes: tuple[str, ...] = ()
    fiction_names: tuple[tuple[str, str], ...] = ()
    business_as_personal: bool = False


def _read(name: str, raw: bytes | None = None) -> dict[str, Any]:
    """One list file, parsed (from ``raw``, its bytes, when the caller already read them)."""
    import yaml

    path = LISTS_DIR / name
    data = yaml.safe_load(path.read_text(encoding="utf-8") if raw is None else raw.decode("utf-8"))
    if not isinstance(data, dict) or not data.get("source"):
        raise ConfigError(_("{path}: a verdict list needs a `source:` note and its values").format(path=path))
    return data


def _lowered(values: Iterable[Any]) -> list[str]:
    return [str(v).strip().lower() for v in values]


_LIST_FILES = ("public-domains.yaml", "role-local-parts.yaml", "disposable-domains.yaml", "contributor-files.yaml",
               "test-words.yaml", "mail-providers.yaml", "organisation-words.yaml")


@lru_cache(maxsize=1)
def builtin_lists() -> VerdictLists:
    """The shipped lists. Parsing their YAML costs more than a small staged scan, so the result is
    cached on disk (sondier.cache), keyed on the bytes of every list file, this module's own file
    and the version: any change to one of them is a miss, and a miss only parses again."""
    from sondier.cache import cache_dir, read_keyed, write_keyed

    sources = {name: (LISTS_DIR / name).read_bytes() for name in _LIST_FILES}
    key = _lists_key(sources)
    path = cache_dir() / f"verdicts-{key[:32]}.marshal"
    cached = read_keyed(path, key)
    if isinstance(cached, dict):
        try:
            return VerdictLists(**cached)
        except TypeError:
            pass  # written with other fields: parse again
    lists = _parse_lists(sources)
    write_keyed(path, key, {f: getattr(lists, f) for f in VerdictLists.__dataclass_fields__})
    return lists


def _lists_key(sources: dict[str, bytes]) -> str:
    from sondier import __version__

    digest = hashlib.sha256(f"{__version__}\0{sorted(VerdictLists.__dataclass_fields__)}\0".encode())
    try:
        code = Path(__file__).stat()
        digest.update(f"{code.st_size}\0{code.st_mtime_ns}\0".encode())
    except OSError:
        digest.update(b"?\0")
    for name, raw in sorted(sources.items()):
        digest.update(f"{name}\0{len(raw)}\0".encode() + raw)
    return digest.hexdigest()


def _parse_lists(sources: dict[str, bytes]) -> VerdictLists:
    def read(name: str) -> dict[str, Any]:
        return _read(name, sources[name])

    words = read("test-words.yaml")
    return VerdictLists(
        public_domains=tuple(_lowered(read("public-domains.yaml")["values"])),
        role_local_parts=frozenset(_lowered(read("role-local-parts.yaml")["values"])),
        disposable_domains=tuple(_lowered(read("disposable-domains.yaml")["values"])),
        contributor_files=tuple(str(v) for v in read("contributor-files.yaml")["values"]),
        test_words=frozenset(_lowered(words["test"])),
        generic_words=frozenset(_lowered(words["generic"])),
        fiction_words=frozenset(_lowered(words["fiction"])),
        mail_providers=frozenset(_lowered(read("mail-providers.yaml")["values"])),
        organisation_words=frozenset(_lowered(read("organisation-words.yaml")["values"])),
        placeholder_prefixes=tuple(_lowered(words["placeholder_prefixes"])),
        fiction_names=tuple(_name_pair(v) for v in _lowered(words["fiction_names"])),
    )


def _name_pair(full_name: str) -> tuple[str, str]:
    first, _, last = full_name.partition(" ")
    return first, last.replace(" ", "")


def lists_for(settings: Any) -> VerdictLists:
    """The built-in lists extended by the configuration's `verdicts:` section (config.VerdictSettings)."""
    base = builtin_lists()
    return VerdictLists(
        public_domains=base.public_domains + tuple(_lowered(settings.public_domains)),
        role_local_parts=base.role_local_parts | frozenset(_lowered(settings.role_local_parts)),
        disposable_domains=base.disposable_domains + tuple(_lowered(settings.disposable_domains)),
        contributor_files=base.contributor_files + tuple(settings.contributor_files),
        test_words=base.test_words | frozenset(_lowered(settings.test_words)),
        generic_words=base.generic_words,
        fiction_words=base.fiction_words,
        mail_providers=base.mail_providers,
        organisation_words=base.organisation_words,
        placeholder_prefixes=base.placeholder_prefixes,
        fiction_names=base.fiction_names,
        business_as_personal=settings.business_as_personal,
    )


def _domain_matches(domain: str, patterns: Sequence[str]) -> bool:
    """A pattern covers its sub-domains; `*` stands for one label (`ac-*.fr`)."""
    return _DomainPatterns.of(patterns).matches(domain)


class _DomainPatterns:
    """A list of domain patterns ready for lookups: plain ones in a set (each suffix of the
    domain looked up once), those with `*` tried with fnmatch. An export repeats a few domains
    thousands of times: fnmatch over the whole list for each cost 70 µs."""

    _built: ClassVar[dict[int, tuple[Sequence[str], _DomainPatterns]]] = {}

    def __init__(self, patterns: Sequence[str]) -> None:
        self.plain = frozenset(p for p in patterns if not any(c in p for c in "*?["))
        self.wild = tuple(p for p in patterns if p not in self.plain)
        self.answers: dict[str, bool] = {}

    @classmethod
    def of(cls, patterns: Sequence[str]) -> _DomainPatterns:
        known = cls._built.get(id(patterns))
        if known is None or known[0] is not patterns:  # keyed by identity; the list is held
            if len(cls._built) >= 64:
                cls._built.clear()  # lists of one-off configurations: rebuilt if met again
            known = (patterns, cls(patterns))
            cls._built[id(patterns)] = known
        return known[1]

    def matches(self, domain: str) -> bool:
        answer = self.answers.get(domain)
        if answer is None:
            labels = domain.split(".")
            answer = any(".".join(labels[i:]) in self.plain for i in range(len(labels))) or any(
                len(labels) >= p.count(".") + 1 and fnmatch.fnmatchcase(".".join(labels[-(p.count(".") + 1):]), p)
                for p in self.wild)
            if len(self.answers) < 65536:
                self.answers[domain] = answer
        return answer


_TOKENS = re.compile(r"[a-z]+|\d+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# Authorship on the value's line: file headers, package metadata, translation headers, trailers.
_CONTRIBUTOR_LINE = re.compile(
    r"\b(?:authors?|auteurs?|maintainers?|contributors?|contributeurs?|copyright|written\s+by|ecrit\s+par|"
    r"created\s+by|modified\s+by|ported\s+by|thanks\s+to|last-translator|language-team|report-msgid-bugs-to|"
    r"signed-off-by|co-authored-by|reviewed-by|acked-by|reported-by|tested-by|committer|developers?|"
    r"(?:section|module|code)author|contributed\s+by|modifications\s+by|maintained\s+by|patch\s+by|"
    r"original\s+(?:code\s+)?by|implemented\s+by|based\s+on|courtesy\s+of|credits?|wrote)\b"
    r"|\(c\)|©|__(?:author|email|maintainer|credits)__|@author\b",
    re.IGNORECASE,
)
# Prose that gives a service's number: "pour toute question, appelez le 05 57 57 50 00".
_SERVICE_WORDS = re.compile(
    r"\b(?:appele[rz]|appel|composez|contacte[rz]|joindre|joignable|standard|hotline|permanence|assistance|"
    r"support|accueil|secretariat|service|plateforme|equipe|nous|notre|numero\s+vert|lundi|vendredi|horaires?|"
    r"call|dial|helpline|customer|office|mairie|prefecture|guichet)\b"
)
# A comment line (`#`, `//`, `/*`, ` * `, `--`, `;`, `%`) naming someone the RFC 5322 way:
# `Jeanne Martin <jm@x.fr>` or `jm@x.fr (Jeanne Martin)`: code crediting its authors.
_CREDIT_COMMENT = re.compile(r"\s*(?:#|//|/\*|\*|--|;|%|\.\.)")
_NAME = r"[A-ZÀ-Þ][\w'-]+(?:\s+[A-ZÀ-Þ][\w.'-]*)+"  # `Peter Åstrand`, `Fred L. Drake`
_NAMED_ADDRESS = re.compile(
    rf"{_NAME}\s*(?:<|&lt;)[^<>@\s]+@[^<>\s&]+(?:>|&gt;)|{_NAME}\s*\([^()@\s]+@[^()\s]+\)"
    r"|[^\s()]+@[^\s()]+\s+\([A-ZÀ-Þ][\w'-]+(?:\s+[\w.'-]+)+\)"
)
# `By Greg Ward <gward@python.net>`, `pydoc by Ka-Ping Yee &lt;ping@lfw.org&gt;`: a byline.
_BYLINE = re.compile(rf"\b[Bb]y\s+{_NAME}\s*(?:<|&lt;|\()")
# A mailing list or its robots: `lists.` hosts, `-request`/`-owner`/`owner-` (RFC 2142 §5 and
# the list managers' conventions), and a list named after its domain (`freebsd-isp@freebsd.org`).
_LIST_LOCAL = re.compile(
    r"^owner-|-(?:request|owner|admin|users?|devel|dev|announce|talk|bounces?|post|help|subscribe|unsubscribe|"
    r"list|discuss|general)$")
# What may stand beside an address alone on its line: a label such as `Email:` or `courriel :`.
_ADDRESS_LABEL = re.compile(r"\b(?:e-?mail|mail|courriel|mel|contact)\s*:", re.IGNORECASE)
_PROSE_WORD = re.compile(r"[^\W\d_]{3,}")
_TEL_LINK = re.compile(r"tel:\s*\+?[\d .\-()]+", re.IGNORECASE)


def _memo_key(*parts: str | None) -> bytes:
    """A digest of what a verdict reads. The parts themselves hold up to ~3 KB of surroundings:
    8,192 of them were 25 MB of a large export's scan, for a memo no value of an export hits."""
    joined = "\x00".join("\x02" if part is None else part for part in parts)
    return hashlib.blake2b(joined.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Judge:
    """Gives each finding its verdict from its value and its line (runs in the workers)."""

    def __init__(self, lists: VerdictLists | None = None) -> None:
        self.lists = lists or builtin_lists()
        self._contributor_patterns: dict[str, str | None] = {}  # file name -> its authorship pattern
        # Everything a verdict reads -> the verdict: a history judges the same value in the same
        # surroundings once per commit that re-adds it (a regenerated page, a rebased file).
        self._known: dict[bytes, tuple[str, tuple[str, ...]]] = {}

    def _contributor_pattern(self, file_name: str) -> str | None:
        """The authorship-file pattern naming this file (`AUTHORS*`), once per file, not once per
        finding: an export's 400,000 values share one file name."""
        if file_name not in self._contributor_patterns:
            self._contributor_patterns[file_name] = next(
                (p for p in self.lists.contributor_files if fnmatch.fnmatchcase(file_name, p)), None)
        return self._contributor_patterns[file_name]

    def judge(self, finding: Finding, line: str, previous: str | None = None, above: str | None = None,
              block: str | None = None) -> None:
        """``above``: the few lines above (an author's credit); ``block``: up to BLOCK_LINES lines
        above, read only for phone numbers (the record or call that holds the number)."""
        if finding.category != "pii":
            return  # secrets keep their verdict (the secret rules decide about test passwords)
        # The line around the value only, before any test reads it: _NAMED_ADDRESS on a 1 MB
        # minified line took minutes per value (a 20-commit history of trackdechets never ended).
        line, at = _around(line, finding.value, finding.column - 1)
        above = above or previous  # both empty or None on a chunk's first lines
        key = _memo_key(finding.rule_id, finding.value, finding.path, "1" if finding.test_data else "0",
                        *finding.verdict_reasons, "\x01", finding.column_name, line, str(at), above, block)
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= JUDGED_KEPT:
                self._known.clear()  # a bound on memory; the next values fill it again
            verdict, reasons = self._judge(finding, line, at, above, block)
            known = self._known[key] = (verdict, tuple(reasons))
        finding.verdict = known[0]
        finding.verdict_reasons = list(known[1])

    def _judge(self, finding: Finding, line: str, at: int, above: str | None,
               block: str | None) -> tuple[str, list[str]]:
        credited = finding.rule_id == "email" and (_credited_above(line, finding.value, above)
                                                   or _in_author_tuple(block, line))
        verdict, reasons = self._verdict(finding, line, at, credited)
        before = (block or "") + "\n" + line[:at]
        if verdict == PERSONAL and finding.rule_id == "fr-phone":
            verdict, reasons = _organisation_phone(finding.path, before) or (verdict, reasons)
        if verdict == PERSONAL and finding.rule_id == "email" and _in_a_list_of_authors(before):
            verdict, reasons = CONTRIBUTOR, [N_("in a list of authors or contributors (package or schema metadata)")]
        return verdict, reasons

    def _verdict(self, finding: Finding, line: str, at: int, credited: bool = False) -> tuple[str, list[str]]:
        if finding.test_data:
            return TEST_DATA, list(finding.verdict_reasons) or [N_("test data")]
        if _TEMPLATE_FILE.search(finding.path.rsplit("/", 1)[-1]):
            return TEST_DATA, [N_("template file (its name says it is an example)")]
        if finding.rule_id in BUSINESS_RULES:
            return BUSINESS, [N_("identifies a legal person (business register number)")]
        file_name = finding.path.rsplit("/", 1)[-1]
        pattern = self._contributor_pattern(file_name)
        if pattern is not None:
            return CONTRIBUTOR, [AUTHORSHIP_FILE.format(pattern=pattern)]
        if finding.rule_id == "email":
            verdict, reasons = self._email(finding.value, line, credited)
        elif finding.rule_id == "fr-phone":
            verdict, reasons = self._phone(finding.value, line)
        else:
            return PERSONAL, []
        if verdict == PERSONAL and _names_an_organisation(finding.column_name or _key_before(line, at + 1)):
            return PUBLIC_CONTACT, [N_("the key names an organisation's contact (company, structure...)")]
        return verdict, reasons

    def _email(self, value: str, line: str, credited: bool = False) -> tuple[str, list[str]]:
        """Sure test signals first, then authorship, then the shapes of made-up people (a
        heuristic: a credited author's address at `lab.fr` is a contributor's, not a fixture)."""
        original_local = value.rpartition("@")[0]
        local, _, domain = _CAMEL.sub(".", value).lower().rpartition("@")
        folded = fold(line)
        test_reason = self._test_address(local, domain) or _example_line(folded, original_local, domain)
        if test_reason:
            return TEST_DATA, [test_reason]
        if _CONTRIBUTOR_LINE.search(folded):
            return CONTRIBUTOR, [N_("authorship line (author, copyright, translator...)")]
        if _CREDIT_COMMENT.match(line) and _NAMED_ADDRESS.search(line):
            return CONTRIBUTOR, [N_("a person credited by name in a code comment")]
        if _BYLINE.search(line):
            return CONTRIBUTOR, [N_("a byline (by Name <address>)")]
        if self._is_role(local):
            return PUBLIC_CONTACT, [ROLE_MAILBOX]
        if _is_mailing_list(local, domain):
            return PUBLIC_CONTACT, [N_("a mailing list or its robot (lists., -request, owner-)")]
        if self._generic_only(local):
            return TEST_DATA, [N_("generic words only in the local part")]
        if _domain_matches(domain, self.lists.public_domains):
            return PUBLIC_CONTACT, [N_("institutional domain")]
        if credited:
            return CONTRIBUTOR, [N_("authorship line above an address standing alone")]
        made_up = self._made_up_person(local, domain, [t for t in _TOKENS.findall(local) if not t.isdigit()])
        if made_up:
            return TEST_DATA, [made_up]
        return PERSONAL, []

    def _is_role(self, local: str) -> bool:
        """`contact@`, `contact.cantine@`, `accueil2@`, `servicesocial@` (a role word of six
        letters or more opening the name)."""
        roles = self.lists.role_local_parts
        bare = local.rstrip("0123456789")
        if local in roles or bare in roles:
            return True
        head = re.split(r"[._+-]", local, maxsplit=1)[0].rstrip("0123456789")
        if head in roles and head != local:
            return True
        if any(local.startswith(role + sep) for role in roles if "-" in role for sep in "-._"):
            return True  # ne-pas-repondre-grc@
        return any(len(role) >= 6 and head.startswith(role) for role in roles if role[:1] == head[:1])

    def _test_address(self, local: str, domain: str) -> str | None:
        lists = self.lists
        if _domain_matches(domain, lists.disposable_domains):
            return N_("reserved or disposable mail domain")
        labels = domain.split(".")[:-1]
        label_words = [w for label in labels for w in label.split("-")]
        if any(w in lists.test_words or _starts_with_word(w, lists.test_words) for w in label_words):
            return N_("test word in the mail domain")
        if any(label in lists.fiction_words for label in labels):
            return N_("fictional name in the mail domain")
        if len(labels[-1]) == 1 or labels[-1] in _TOP_LEVEL_WORDS:
            return N_("made-up mail domain (one letter, or a top-level name such as com.com)")
        if local in domain.split("."):
            return N_("local part repeats the mail domain")
        tokens = _TOKENS.findall(local)
        words = [t for t in tokens if not t.isdigit()]
        if any(w in lists.test_words for w in words) or local in lists.test_words:
            return N_("test word in the local part")
        if any(w in lists.fiction_words for w in words):
            return N_("fictional name in the local part")
        if len(tokens) == 1 and len(set(local)) == 1:
            return N_("one repeated letter as local part")
        if local in lists.generic_words and local not in lists.role_local_parts:
            return N_("a generic word as local part")
        numbered = len(words) < len(tokens)
        if words and numbered and words[0] in lists.generic_words:
            return N_("numbered generic account")
        return None

    def _made_up_person(self, local: str, domain: str, words: list[str]) -> str | None:
        """Fixture people: `monsieurtransporteur@`, `walter.white@`, `michel@lapin.com`,
        `jean@paul.com`, `jeanne@longo.fr`."""
        lists = self.lists
        if any(local.startswith(prefix) for prefix in lists.placeholder_prefixes):
            return N_("a placeholder title opens the local part (monsieur, madame...)")
        squeezed = "".join(words)
        if any((first in words and last in words) or squeezed == first + last
               for first, last in lists.fiction_names):
            return N_("a fictional or famous person's name")
        if _word_as_surname(words):
            return N_("a common word as surname (jean.voiture@)")
        return self._made_up_domain(local, domain)

    def _made_up_domain(self, local: str, domain: str) -> str | None:
        """A mail domain named after a plain word or a given name (`lapin.com`, `worker.fr`,
        `paul.com`), or a first name at a surname's domain (`jeanne@longo.fr`): the shapes a
        developer types for a fixture. Real organisations named after a word are listed
        (organisation-words.yaml); mailbox providers and public bodies are never made up."""
        from sondier.people import common_words, given_names, surnames

        lists = self.lists
        if domain in lists.mail_providers:
            return self._bare_name_at_provider(local)
        if _domain_matches(domain, lists.public_domains):
            return None
        if any(part in _PROVIDER_LABELS for label in domain.split(".")[:-2] for part in label.split("-")):
            return N_("a mailbox provider's name as a sub-domain (gmail.dechetterie.com)")
        labels = domain.split(".")
        label = labels[0].rstrip("0123456789")  # `magasin1.fr`
        if len(labels) != 2 or label in lists.organisation_words:
            return None  # sub-domains are an organisation's; so are the listed word-named ones
        if local in given_names() and label in surnames():
            return N_("a first name at a surname's domain (prenom@nom.fr)")
        if labels[1] not in _FIXTURE_TLDS:
            return None  # city or brand TLDs (`jailbreak.paris`) are chosen, not typed in a hurry
        if any(part in _PROVIDER_LABELS for part in label.split("-")) or (
                label.endswith("mail") and len(label) > 6):
            return N_("a mailbox provider's look-alike (gmail-dechetterie.com, autremail.fr)")
        if label in common_words() or label in lists.generic_words:
            return N_("a common word as mail domain")
        if label.endswith("co") and len(label) >= 6 and label[:-2] in common_words():
            return N_("a made-up company domain (a word and `co`, as in transportco)")
        if len(label) >= 3 and label in given_names():
            return N_("a given name as mail domain")
        return None

    def _bare_name_at_provider(self, local: str) -> str | None:
        """`marie@gmail.com`, `jeanne@gmail.com`: a bare given name at a large mailbox provider was
        taken when the service opened; fixtures type it, people's addresses add to it."""
        from sondier.people import given_names

        if local in given_names() and len(local) >= 3:
            return N_("a bare given name at a mailbox provider (a fixture's shape)")
        return None

    def _generic_only(self, local: str) -> bool:
        """`super-great-admin`, `nom.prenom`, `je_suis_un_agent`: no word names a person."""
        words = [t for t in _TOKENS.findall(local) if not t.isdigit()]
        return len(words) >= 2 and all(w in self.lists.generic_words for w in words)

    def _phone(self, value: str, line: str) -> tuple[str, list[str]]:
        digits = "".join(ch for ch in value if ch.isdigit())
        national = "0" + digits[-9:] if len(digits) >= 9 else digits
        if is_patterned_phone(national):
            return TEST_DATA, [N_("patterned number")]
        if _EXAMPLE_LINE.search(fold(line)):
            return TEST_DATA, [N_("example, placeholder or validation input on the line")]
        if _TEL_LINK.search(line):
            return PUBLIC_CONTACT, [N_("number published as a tel: link")]
        folded = fold(line)
        if _is_prose(folded) and _SERVICE_WORDS.search(folded):
            return PUBLIC_CONTACT, [N_("service number given in prose")]
        return PERSONAL, []


# `.env.example`, `config.sample.yml`, `settings.py.dist`: files written to be copied and filled in.
_TEMPLATE_FILE = re.compile(r"[._-](?:example|sample|dist|template|tpl)(?:\.|$)", re.IGNORECASE)
# The labels of the large mailbox providers, which look-alike fixture domains borrow.
_PROVIDER_LABELS = frozenset({"gmail", "hotmail", "yahoo", "outlook", "wanadoo", "laposte", "protonmail"})
# Top-level domains of made-up fixture domains; others (`.paris`, `.bzh`, `.gouv.fr`) are chosen.
_FIXTURE_TLDS = frozenset({"com", "fr", "net", "org", "io", "eu", "de", "co"})
_TOP_LEVEL_WORDS = frozenset({"com", "net", "org", "fr", "info", "biz", "eu", "io", "tld", "mail", "email"})
# A line that shows a value as an example, a form's placeholder or an input of a validation test.
_EXAMPLE_LINE = re.compile(
    r"\b(?:e\.g\.|i\.e\.|ie\s*:|ex\s*:|ex\.\s|par\s+exemple|for\s+example|examples?[\"']?\s*[:=]|exemples?\s*:)"
    r"|\b(?:placeholder|be_valid|(?:in)?valid_(?:e?mails?|phones?|numbers?|addresses))\b",
    re.IGNORECASE,
)


def _example_line(folded_line: str, local: str, domain: str) -> str | None:
    if _EXAMPLE_LINE.search(folded_line):
        return N_("example, placeholder or validation input on the line")
    label = domain.split(".")[-2] if "." in domain else domain
    # `create(:user, last_name: "DUTRONC", email: "francis@dutronc.fr")`: a domain made of the
    # person's name is built for the fixture; nobody's mailbox is at their own surname's domain.
    if len(label) >= 4 and label != local.lower():
        without = folded_line.replace(f"{local.lower()}@{domain}", " ")
        if re.search(rf"(?<![\w.@-]){re.escape(label)}(?![\w.@-])", without):
            return N_("mail domain made from a name on the line")
    return None


_KEY_BEFORE = re.compile(r"""([A-Za-z_][\w-]*)["']?\s*(?:=>|:|=)\s*["']?$""")
_ORGANISATION_KEY = re.compile(
    r"\b(?:company|companies|entreprise|societe|organisation|organization|orga|structure|etablissement|business|"
    r"vendor|supplier|fournisseur|operateur|operator|feed|mairie|collectivite|association|asso|partner|partenaire)\b"
)


BLOCK_LINES = 8
# The page of a site that publishes its publisher's contact details (required by French law).
_LEGAL_NOTICE_FILE = re.compile(r"mentions[-_ ]?legales|legal[-_ ]?notices?|impressum|imprint", re.IGNORECASE)
# What opens the record holding a value: `Lieu.create!(`, `create(:organisation,`,
# `company: {`, `"structure": {`, `organisation:` alone on its line (YAML).
_OPENER = re.compile(
    r"\b([A-Z]\w*)(?:::\w+)*\.(?:create|new|build|find_or_create_by|create_with|objects\.create)\b!?"
    r"|\b(?:create|build|create_list|build_stubbed)\(\s*:(\w+)"
    r"|[\"']?(\w+)[\"']?\s*[:=]\s*[\[{]"
    r"|^\s*(\w+):\s*$",
    re.MULTILINE,
)
_PLACE_WORDS = re.compile(
    r"\b(?:lieu|lieux|place|places|site|location|office|agence|agency|territory|territoire|point)\b")


def _organisation_phone(path: str, text_before: str) -> tuple[str, list[str]] | None:
    """A phone number on a legal notice page, or inside the record of an organisation or a
    place (`Lieu.create!(name: "Point-justice...", phone_number: ...)`, `company: {phone: ...}`):
    an organisation's published number."""
    if _LEGAL_NOTICE_FILE.search(path.rsplit("/", 1)[-1]):
        return PUBLIC_CONTACT, [N_("published on a legal notice page (mentions légales)")]
    name = _last_opener(text_before)
    if name is None:
        return None
    words = fold(_CAMEL.sub(" ", name).replace("_", " "))
    if _ORGANISATION_KEY.search(words) or _PLACE_WORDS.search(words):
        return PUBLIC_CONTACT, [ORGANISATION_RECORD.format(name=name)]
    return None


_AUTHOR_TUPLE = re.compile(r"__(?:author|credits|maintainer)s?__\s*=\s*[(\[]")


def _in_author_tuple(block: str | None, line: str) -> bool:
    """A named address continuing `__author__ = ("Guido van Rossum <...>, " "Mike Verdone <...>"`
    many lines down: the tuple opened above is not closed yet."""
    if not block or "__" not in block:  # the cheap tests first: _NAMED_ADDRESS backtracks
        return False
    opened = list(_AUTHOR_TUPLE.finditer(block))
    return bool(opened) and not re.search(r"[)\]]", block[opened[-1].end():]) and bool(_NAMED_ADDRESS.search(line))


def _is_mailing_list(local: str, domain: str) -> bool:
    label = domain.split(".")[0]
    return domain.startswith("lists.") or bool(_LIST_LOCAL.search(local)) or (
        len(label) >= 3 and local.startswith(label + "-"))


_AUTHOR_LIST = re.compile(r"^(?:authors?|contributors?|maintainers?|credits?|creators?|developers?)$")


def _in_a_list_of_authors(text_before: str) -> bool:
    """`"contributors": [{"title": "...", "email": ...}]` (Frictionless Table Schema, CITATION,
    package metadata): the record that opens nearest above names authors."""
    name = _last_opener(text_before)
    return name is not None and bool(_AUTHOR_LIST.match(name.lower()))


# What each of _OPENER's forms needs in the text: tested first, as substrings, because the
# regex costs half a microsecond a character and most lines (a CSV row) hold none of them.
_OPENER_NEEDS = ("[", "{", "(", ":", ".create", ".new", ".build", ".find_or_create_by", ".objects")


def _last_opener(text: str) -> str | None:
    """The name of what opens the record nearest above (see _OPENER), or None."""
    if not any(needed in text for needed in _OPENER_NEEDS):
        return None
    openers = list(_OPENER.finditer(text))
    if not openers:
        return None
    return next(g for g in openers[-1].groups() if g)


def _word_as_surname(words: list[str]) -> bool:
    """`jean.voiture`, `transport.dupont`: a given name beside a plain word that is nobody's
    surname, or a plain word in a given name's place."""
    from sondier.people import common_words, given_names, surnames

    if len(words) != 2:
        return False
    first, last = words
    plain = common_words()
    if first in given_names() and len(last) >= 4 and last in plain and last not in surnames():
        return True
    return first in plain and first not in given_names() and len(first) >= 5 and last in surnames()


def _credited_above(line: str, value: str, previous: str | None) -> bool:
    """`-- Please send comments ... to the author: --` then `--   mfc@uk.ibm.com   --`: a file
    header naming its author on one of the few lines above an address that stands alone on its
    line (the author's name and postal address may stand between them), behind a label
    (`Email: <fdrake@acm.org>` under `Written by:`), or a named address continuing an
    `__author__ = (...)` tuple."""
    if previous is None or not _CONTRIBUTOR_LINE.search(fold(previous)):
        return False
    rest = _ADDRESS_LABEL.sub(" ", _NAMED_ADDRESS.sub(" ", line) if _NAMED_ADDRESS.search(line) else line)
    return not re.search(r"\w", rest.replace(value, " ").replace("--", " ").strip(" #/*;%<>-\t\r"))


JUDGED_KEPT = 8192  # verdicts a Judge remembers (each by a 16-byte digest of what it read)
LINE_WINDOW = 400  # characters kept on each side of a value: a line's context, not a 30 MB minified file


def _around(line: str, value: str, column: int) -> tuple[str, int]:
    """The part of ``line`` around ``value`` and the value's offset in it. Every verdict test reads
    the line; on a huge one-line file (minified code, a dump) it must cost the same as on a short
    one, or each value pays for the whole line (and some searches for its square)."""
    at = line.find(value, max(column - len(value), 0)) if 0 <= column < len(line) else -1
    if at < 0:
        at = line.find(value)
    if at < 0:
        at = max(min(column, len(line)), 0)
    if len(line) <= 2 * LINE_WINDOW + len(value):
        return line, at
    start = max(at - LINE_WINDOW, 0)
    return line[start : at + len(value) + LINE_WINDOW], at - start


def _key_before(line: str, column: int) -> str | None:
    """`emitterCompanyPhone: "06..."`, `'company_mail' => '...'`: the key naming the value."""
    found = _KEY_BEFORE.search(line[max(column - 1 - 120, 0) : max(column - 1, 0)])
    return found.group(1) if found else None


def _names_an_organisation(key: str | None) -> bool:
    if not key:
        return False
    words = _CAMEL.sub(" ", key).replace("_", " ").replace("-", " ")
    return _ORGANISATION_KEY.search(fold(words)) is not None


def _starts_with_word(label: str, words: frozenset[str]) -> bool:
    """`testinvitation`, `demo-rdv`: a label opening with a test word of 4 letters or more."""
    return any(len(w) >= 4 and label.startswith(w) and label != w for w in words if w[0] == label[:1])


def _is_prose(folded_line: str) -> bool:
    """A sentence, not a row of data: several words and few field separators."""
    if max(folded_line.count(sep) for sep in (";", "\t", "|")) >= 3:
        return False
    return len(_PROSE_WORD.findall(folded_line)) >= 4


def is_patterned_phone(national: str) -> bool:
    """Numbers nobody is given: `0101010103`, `0611223344`, `06 01 02 03 04`, `05 05 05 05 05`,
    `05 57 10 20 30`, `01 90 23 45 67`, `04 72 00 00 01`. Each pattern below has a chance of
    about 1 in 1,000 or less to occur in an allocated number."""
    if len(national) != 10 or not national.isdigit():
        return False
    from sondier.filters import is_placeholder_number

    if is_placeholder_number(national):
        return True
    pairs = [national[i : i + 2] for i in range(2, 10, 2)]
    if max(pairs.count(p) for p in pairs) >= 3:
        return True  # 01 01 01 03, 05 05 05 05 05
    if sum(p[0] == p[1] for p in pairs) >= 3:
        return True  # 06 11 22 33 44, 06 98 00 11 22
    if pairs[0] == pairs[1] and pairs[2] == pairs[3]:
        return True  # 01 30 30 04 04
    numbers = [int(p) for p in pairs]
    for window in (numbers[:3], numbers[1:]):
        steps = {b - a for a, b in pairwise(window)}
        if len(steps) == 1 and steps <= {1, -1, 10, -10}:
            return True  # 10 20 30, 11 12 13
    body = national[2:]
    if body[:4] == body[4:] or len(set(body)) <= 2:
        return True
    return _ends_with_run(national, 6) or re.search(r"(\d)\1{4}", body) is not None


def _ends_with_run(digits: str, length: int) -> bool:
    """`01 90 23 45 67`: the number ends with six digits counting up (or down)."""
    tail = [int(d) for d in digits[-length:]]
    steps = {b - a for a, b in pairwise(tail)}
    return steps in ({1}, {-1})


def _record_key(finding: Finding) -> tuple[str, str, str]:
    sha = finding.commit.sha if finding.commit else ""
    return (finding.path, sha, finding.record if finding.record is not None else f"line {finding.line}")


def judge_records(findings: Sequence[Finding], lists: VerdictLists, asked_rules: Iterable[str] = (),
                  export_threshold: int = 10) -> None:
    """Verdicts that need the other findings of the scan: organisations' domains, fixture
    series, then business identifiers."""
    _organisation_domains(findings, lists)
    _fixture_series(findings, export_threshold)
    _beside_made_up_addresses(findings)
    _business(findings, lists, asked_rules)


def _organisation_domains(findings: Sequence[Finding], lists: VerdictLists) -> None:
    """A domain that holds role mailboxes in the scanned tree (contact@, noreply@) and is not
    a mailbox provider is an organisation's: its other addresses are its staff's or its
    services' professional contacts, published with the organisation's code."""
    organisations: set[str] = set()
    for finding in findings:
        if finding.rule_id == "email" and finding.verdict_reasons == [ROLE_MAILBOX]:
            domain = finding.value.rpartition("@")[2].lower()
            if domain not in lists.mail_providers:
                organisations.add(domain)
    if not organisations:
        return
    for finding in findings:
        domain = finding.value.rpartition("@")[2].lower()
        if finding.rule_id == "email" and finding.verdict == PERSONAL and domain in organisations:
            finding.verdict = PUBLIC_CONTACT
            finding.verdict_reasons = [N_("an organisation's domain (role mailboxes under it in the scanned tree)")]


def _fixture_series(findings: Sequence[Finding], export_threshold: int) -> None:
    """Values made up together, which no set of real people's data shows:

    - one phone number written in three spellings or more in one file (`06 61 08 37 31`,
      `+33661083731`, `06.61.08.37.31`): the inputs of a formatting test;
    - phone numbers counted up one by one (`…15`, `…16`, `…17`): fixtures numbered in turn
      (two real numbers sharing their first eight digits are about one in a million pairs);
    - one local part at three mail domains or more in one file (`giovanni.giorgio@` at
      orange.fr, laposte.fr, orange-nicoise.fr...): the inputs of an address-handling test.

    Files whose values fill an export (``export_threshold`` records of a rule) are left out: a
    real export's values are judged one by one, whatever their neighbours."""
    open_values = [f for f in findings if f.verdict == PERSONAL and f.rule_id in ("fr-phone", "email")]
    records: dict[tuple[str, str], set[str]] = defaultdict(set)
    for finding in open_values:
        if finding.record is not None:
            records[(finding.path, finding.rule_id)].add(finding.record)
    candidates = [f for f in open_values
                  if export_threshold <= 0 or len(records[(f.path, f.rule_id)]) < export_threshold]
    phones = [f for f in candidates if f.rule_id == "fr-phone"]
    _mark(_spelled_several_ways(phones), N_("the same number in several spellings in one file (a formatting test)"))
    _mark(_counted_up(phones), N_("numbers counted up one by one (numbered fixtures)"))
    mails = [f for f in candidates if f.rule_id == "email"]
    _mark(_one_name_many_domains(mails), N_("the same name at several mail domains in one file (an address test)"))


NEIGHBOUR_LINES = 3


def _beside_made_up_addresses(findings: Sequence[Finding]) -> None:
    """A phone number in the record of a made-up person (`name: "Transporteur 002", phone:
    "06...", email: "transporteur002@transport.com"`): in the same record, or within
    NEIGHBOUR_LINES lines, an address judged made up and no address judged a person's."""
    addresses: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.rule_id == "email":
            addresses[(finding.path, finding.commit.sha if finding.commit else "")].append(finding)
    if not addresses:
        return
    indexed = {place: _AddressIndex(found) for place, found in addresses.items()}
    for phone in findings:
        if phone.rule_id != "fr-phone" or phone.verdict != PERSONAL:
            continue
        index = indexed.get((phone.path, phone.commit.sha if phone.commit else ""))
        near = index.near(phone) if index is not None else []
        if near and all(a.verdict == TEST_DATA for a in near):
            phone.verdict = TEST_DATA
            phone.verdict_reasons = [N_("beside a made-up address (a fixture person's record)")]


class _AddressIndex:
    """The e-mail findings of one file by record and by line, so that finding those beside a
    phone (_same_record) costs a few lookups, not a pass over every address of the file (an
    export of 100,000 rows took hours)."""

    def __init__(self, addresses: Iterable[Finding]) -> None:
        self.by_record: dict[str, list[Finding]] = defaultdict(list)
        self.by_line: dict[int, list[Finding]] = defaultdict(list)
        for address in addresses:
            if address.record is not None:
                self.by_record[address.record].append(address)
            self.by_line[address.line].append(address)

    def near(self, phone: Finding) -> list[Finding]:
        """The addresses for which _same_record(address, phone) holds."""
        lines = range(phone.line - NEIGHBOUR_LINES, phone.line + NEIGHBOUR_LINES + 1)
        around = [a for line in lines for a in self.by_line.get(line, ())]
        if phone.record is None:
            return around
        return self.by_record.get(phone.record, []) + [a for a in around if a.record is None]


def _same_record(one: Finding, other: Finding) -> bool:
    if one.record is not None and other.record is not None:
        return one.record == other.record
    return abs(one.line - other.line) <= NEIGHBOUR_LINES


def _mark(findings: Iterable[Finding], reason: str) -> None:
    for finding in findings:
        finding.verdict = TEST_DATA
        finding.verdict_reasons = [reason]


def _national(finding: Finding) -> str:
    digits = "".join(ch for ch in finding.value if ch.isdigit())
    return digits[-9:]


def _spelled_several_ways(phones: Sequence[Finding]) -> list[Finding]:
    spellings: dict[tuple[str, str], set[str]] = defaultdict(set)
    for finding in phones:
        spellings[(finding.path, _national(finding))].add(finding.value)
    return [f for f in phones if len(spellings[(f.path, _national(f))]) >= 3]


def _counted_up(phones: Sequence[Finding]) -> list[Finding]:
    """Numbers of one series: same first seven significant digits, last two within 3."""
    by_prefix: dict[str, set[int]] = defaultdict(set)
    for finding in phones:
        national = _national(finding)
        if len(national) == 9:
            by_prefix[national[:7]].add(int(national[7:]))
    marked = []
    for finding in phones:
        national = _national(finding)
        if len(national) != 9:
            continue
        ends = by_prefix[national[:7]]
        own = int(national[7:])
        if any(0 < abs(own - other) <= 3 for other in ends):
            marked.append(finding)
    return marked


def _one_name_many_domains(mails: Sequence[Finding]) -> list[Finding]:
    domains: dict[tuple[str, str], set[str]] = defaultdict(set)
    for finding in mails:
        local, _, domain = finding.value.lower().rpartition("@")
        domains[(finding.path, local.partition("+")[0])].add(domain)
    return [f for f in mails
            if len(domains[(f.path, f.value.lower().rpartition("@")[0].partition("+")[0])]) >= 3]


def _business(findings: Sequence[Finding], lists: VerdictLists, asked_rules: Iterable[str]) -> None:
    """A business identifier is a person's when its record (or, without one, its line) holds a
    person's data, or when the user asked for business identifiers (`--rule fr-siret`,
    `verdicts.business-as-personal`)."""
    asked = set(asked_rules) & BUSINESS_RULES
    persons: dict[tuple[str, str, str], str] = {}
    for finding in findings:
        if finding.rule_id in _PERSON_RULES and finding.verdict == PERSONAL:
            persons.setdefault(_record_key(finding), finding.rule_id)
    for finding in findings:
        if finding.verdict != BUSINESS:
            continue
        if lists.business_as_personal or finding.rule_id in asked:
            finding.verdict = PERSONAL
            finding.verdict_reasons = [N_("business identifiers asked for as personal data")]
            continue
        holder = persons.get(_record_key(finding))
        if holder is not None:
            finding.verdict = PERSONAL
            finding.verdict_reasons = [PERSON_RECORD.format(holder=holder)]


def split(findings: Iterable[Finding]) -> tuple[list[Finding], list[Finding]]:
    """(actionable, annotated)."""
    actionable: list[Finding] = []
    annotated: list[Finding] = []
    for finding in findings:
        (actionable if finding.actionable else annotated).append(finding)
    return actionable, annotated


def count_by_verdict(groups: Iterable[Iterable[Finding]]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for group in groups:
        for finding in group:
            counts[finding.verdict] += 1
    return dict(sorted(counts.items()))
