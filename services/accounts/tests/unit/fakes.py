"""An in-memory unit of work for the accounts handlers: same contract, no database."""

import copy
from dataclasses import dataclass, field, replace

from accounts.service_layer.told import told
from ardoise_tools.testing.fakes import FakeUnitOfWork as SharedFakeUnitOfWork


@dataclass
class Store:
    accounts: dict = field(default_factory=dict)
    movements: list = field(default_factory=list)
    positions: dict = field(default_factory=dict)
    holds: dict = field(default_factory=dict)
    inbox: set = field(default_factory=set)
    keys: dict = field(default_factory=dict)
    hold_customers: dict = field(default_factory=dict)
    published: list = field(default_factory=list)
    tracking: dict = field(default_factory=dict)
    time_zones: dict = field(default_factory=dict)


class FakeAccounts:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._seen_by_id = {}

    @property
    def seen(self):
        return list(self._seen_by_id.values())

    def _seen(self, account):
        self._seen_by_id.setdefault(id(account), account)
        return account

    async def tracking_is_on(self, producer_id):
        return self.store.tracking.get(producer_id) is True

    async def keep_tracking(self, producer_id, on, time_zone=None):
        self.store.tracking[producer_id] = on
        if time_zone is not None:
            self.store.time_zones[producer_id] = time_zone

    async def get_for_update(self, producer_id, customer_id):
        account = self.store.accounts.get((producer_id, customer_id))
        return self._seen(replace(account, new_movements=[], events=[])) if account else None

    async def get_or_open_many_for_update(self, keys):
        from accounts.domain import Account

        for producer_id, customer_id in keys:
            self.store.accounts.setdefault((producer_id, customer_id),
                                           Account(producer_id, customer_id, customer_id))
        return {key: await self.get_for_update(*key) for key in sorted(set(keys))}

    async def get_or_open_for_update(self, producer_id, customer_id):
        return (await self.get_or_open_many_for_update([(producer_id, customer_id)]))[
            (producer_id, customer_id)]

    async def register(self, account):
        self._seen(account)
        self.store.accounts[(account.producer_id, account.customer_id)] = replace(account)

    async def save_many(self, changed):
        for account in changed:
            self.store.movements.extend(account.new_movements)
            self.store.accounts[(account.producer_id, account.customer_id)] = replace(
                account, new_movements=[], events=[])

    async def save(self, account):
        await self.save_many([account])

    async def positions_many(self, keys):
        return {key: self.store.positions[key] for key in keys if key in self.store.positions}

    async def save_positions(self, changed):
        for producer_id, _customer_id, position in changed:
            self.store.positions[(producer_id, position.order_id)] = position

    async def holds_of_order(self, producer_id, order_id):
        return [copy.copy(h) for (p, _), h in self.store.holds.items()
                if p == producer_id and h.order_id == order_id]

    async def pending_holds_of_orders(self, keys):
        found = {}
        for key in set(keys):
            found[key] = [h for h in await self.holds_of_order(*key) if h.is_pending]
        return {k: v for k, v in found.items() if v}

    async def expired_hold_owners(self, now, limit):
        owners = {(p, self._customer_of(h)) for (p, _), h in self.store.holds.items()
                  if h.is_pending and h.expires_at <= now}
        return sorted(owners)[:limit]

    async def pending_holds(self, producer_id, customer_id):
        return [copy.copy(h) for (p, _), h in self.store.holds.items()
                if p == producer_id and h.is_pending and self._customer_of(h) == customer_id]

    def _customer_of(self, hold):
        return self.store.hold_customers[hold.hold_id]

    async def save_hold(self, producer_id, customer_id, hold):
        self.store.hold_customers[hold.hold_id] = customer_id
        self.store.holds[(producer_id, hold.hold_id)] = copy.copy(hold)


class FakeUnitOfWork(SharedFakeUnitOfWork):
    async def commit(self):
        for account in self.accounts.seen:
            self.publish(*told(account))
            account.events.clear()
        await super().commit()

    def repositories(self):
        return {"accounts": FakeAccounts(self.store)}

    async def remembered_response(self, producer_id, key):
        return self.store.keys.get((producer_id, key))

    async def remember_response(self, producer_id, key, fingerprint, response):
        self.store.keys[(producer_id, key)] = (fingerprint, response)
