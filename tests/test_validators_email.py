"""email validator: reserved and placeholder domains are test data; code look-alikes are not."""

from __future__ import annotations

import pytest
from faker import Faker

from sondier.validators import email


def test_faker_free_emails_are_real_looking() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(19)
    for _ in range(1000):
        verdict = email.validate(fake.free_email())
        assert verdict.ok and not verdict.test_data


@pytest.mark.parametrize(
    "value",
    ["jeanne@example.com", "a@mail.example.org", "paul@site.test", "x@host.invalid", "y@box.localhost",
     "z@demo.example", "foo@bar.com", "aperson@dom.ain", "xxxx@orange.fr", "john.doe@gmail.com"],
)  # fmt: skip
def test_reserved_and_placeholder_addresses_are_test_data(value: str) -> None:
    verdict = email.validate(value)
    assert verdict.ok and verdict.test_data


@pytest.mark.parametrize(
    "value", ["git@github.com", "image@2x.png", "noreply@orange.fr", "15090.61304@mail.python.org", "user@localhost"]
)
def test_code_look_alikes_are_rejected(value: str) -> None:
    assert not email.validate(value).ok


@pytest.mark.parametrize("local", ["0GK500B01D0B8Y", "200104061723.JAB03225", "19981222151406.I-D", "4B66B890.4070408",
                                   "f30c0419-f549-4218-848f-d7d0131da931", "ba4acef3", "0.0014F8A2"])
def test_message_ids_are_not_addresses(local: str) -> None:
    assert not email.validate(f"{local}@mail.isp-mail.fr").ok


@pytest.mark.parametrize("local", ["face2015", "jeanne.martin1984", "jangel1", "deadbeef", "marie.lefebvre72",
                                   "a1b2c3", "cafe1234"])
def test_names_with_numbers_stay_addresses(local: str) -> None:
    assert email.validate(f"{local}@orange.fr").ok
