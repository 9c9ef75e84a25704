"""The in-memory unit of work the services' unit tests share: the same contract as
`ardoise.uow.UnitOfWork`, over a plain store instead of a database."""

import contextlib
import copy
from collections.abc import AsyncIterator, Callable

import httpx

from ardoise.auth import Principal, issue_token


class FakeUnitOfWork:
    """Changes made inside `async with` are kept only when `commit()` was called.

    The store is any object with an `inbox` set and a `published` list; a service's subclass names
    its repositories in `repositories()`, and they become attributes of the open unit of work.
    """

    def __init__(self, store) -> None:
        self.store = store

    def repositories(self) -> dict[str, object]:
        return {}

    async def __aenter__(self):
        self._snapshot = copy.deepcopy(self.store)
        self._events = []
        for name, repository in self.repositories().items():
            setattr(self, name, repository)
        return self

    async def __aexit__(self, *exc_info):
        if self._snapshot is not None:
            self.store.__dict__.update(self._snapshot.__dict__)

    def publish(self, *events):
        self._events.extend(events)

    async def commit(self):
        self.store.published.extend(self._events)
        self._events, self._snapshot = [], None

    async def claim(self, consumer, event_id):
        return event_id in await self.claim_many(consumer, [event_id])

    async def claim_many(self, consumer, event_ids):
        fresh = {e for e in event_ids if (consumer, e) not in self.store.inbox}
        self.store.inbox.update((consumer, e) for e in fresh)
        return fresh


@contextlib.asynccontextmanager
async def gateway_clients(app, jwt_secret: str, producer_id: str,
                          base_url: str) -> AsyncIterator[Callable]:
    """A gateway app started in-process; `client(principal)` is an httpx client of it carrying
    that caller's token (the producer's operator when no principal is given)."""
    async with app.router.lifespan_context(app):
        clients: list[httpx.AsyncClient] = []

        def client(principal: Principal | None = None) -> httpx.AsyncClient:
            principal = principal or Principal("operator", producer_id)
            token = issue_token(jwt_secret, principal)
            clients.append(httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url=base_url,
                headers={"Authorization": f"Bearer {token}"}))
            return clients[-1]

        try:
            yield client
        finally:
            for opened in clients:
                await opened.aclose()
