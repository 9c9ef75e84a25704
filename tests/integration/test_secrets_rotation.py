"""Rotating the key that seals the producers' SumUp API keys: `ardoise secrets rotate` seals each
again under the new key, after which the old key can go."""

import asyncio
import os
import subprocess
import sys
import uuid
from functools import partial

from ardoise.db import make_engine, make_sessionmaker
from ardoise_tools.devservers.stack import fernet_key
from payments.adapters.credentials import SecretBox
from payments.service_layer import handlers
from payments.service_layer.unit_of_work import SqlPaymentsUnitOfWork


async def sealed_key(url: str, producer_id: str, seal=None) -> str:
    """Connect the producer's SumUp account (when `seal` is given); its sealed key as stored."""
    engine = make_engine(url, "payments", pool_size=1)
    try:
        new_uow = partial(SqlPaymentsUnitOfWork, make_sessionmaker(engine))
        if seal:
            await handlers.change_settings(producer_id, {
                "sumup_merchant_code": "MROTATE1", "sumup_api_key": "sk_test_rotate_me"},
                new_uow(), seal)
        async with new_uow() as uow:
            return (await uow.payments.sumup_account(producer_id)).sealed_api_key
    finally:
        await engine.dispose()


def test_a_rotation_seals_every_key_again_under_the_new_one(servers):
    producer_id = f"p-{uuid.uuid4().hex[:12]}"
    old, new = fernet_key(), fernet_key()
    url = servers["PAYMENTS_DATABASE_URL"]
    before = asyncio.run(sealed_key(url, producer_id, SecretBox(old).seal))
    rotated = rotate(servers, f"{new},{old}", producer_id)
    assert rotated.returncode == 0 and "1 SumUp API keys sealed" in rotated.stdout
    after = asyncio.run(sealed_key(url, producer_id))
    assert after != before
    assert SecretBox(new).open(after) == "sk_test_rotate_me"  # the old key is no longer needed
    # a key no configured key opens is named, left as it is, and the command fails
    refused = rotate(servers, fernet_key(), producer_id)
    assert refused.returncode == 1 and f"UNREADABLE {producer_id}" in refused.stdout
    assert asyncio.run(sealed_key(url, producer_id)) == after


def rotate(servers, keys: str, producer_id: str) -> subprocess.CompletedProcess:
    """`ardoise secrets rotate` for one producer: other tests' producers share the database."""
    env = {**os.environ, **servers, "ARDOISE_SECRETS_KEYS": keys}
    return subprocess.run([os.path.join(os.path.dirname(sys.executable), "ardoise"), "secrets",
                           "rotate", "--producer", producer_id], env=env, capture_output=True,
                          text=True, timeout=120)
