"""What `?at=` names: the end of the day, minute or second it states, in the producer's zone
unless it states its own; the producer's zone as its payment settings told the accounts."""

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.domain.moments import DEFAULT_TIME_ZONE, InvalidMoment, read_at, zone_named
from accounts.service_layer import messagebus
from ardoise.events import PaymentSettingsChanged

from .fakes import FakeUnitOfWork, Store

PARIS = ZoneInfo("Europe/Paris")
MICRO = timedelta(microseconds=1)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_date_is_the_end_of_that_day_in_the_producers_zone():
    assert read_at("2026-10-31", PARIS) == utc(2026, 10, 31, 23) - MICRO  # CET, UTC+1


def test_a_minute_counts_everything_recorded_during_it():
    assert read_at("2026-10-31T23:59", PARIS) == utc(2026, 10, 31, 23) - MICRO
    assert read_at("2026-07-14T12:00", PARIS) == utc(2026, 7, 14, 10, 1) - MICRO  # CEST


def test_a_second_and_a_fraction_of_one_are_read_to_their_end_and_exactly():
    assert read_at("2026-07-14T12:00:30", PARIS) == utc(2026, 7, 14, 10, 0, 31) - MICRO
    assert read_at("2026-07-14T12:00:30.5", PARIS) == utc(2026, 7, 14, 10, 0, 30, 500_000)
    assert read_at("2026-07-14T12:00:30,123456", PARIS) == utc(2026, 7, 14, 10, 0, 30, 123_456)


def test_a_stated_zone_or_offset_wins_over_the_producers():
    assert read_at("2026-10-31T23:59Z", PARIS) == utc(2026, 11, 1) - MICRO
    assert read_at("2026-10-31T23:59-04:00", PARIS) == utc(2026, 11, 1, 4) - MICRO
    assert read_at("2026-10-31T23:59+0530", PARIS) == utc(2026, 10, 31, 18, 30) - MICRO


def test_a_plus_left_unencoded_in_the_url_arrives_as_a_space_and_still_reads_as_a_plus():
    assert read_at("2026-10-31T23:59 01:00", PARIS) == read_at("2026-10-31T23:59+01:00", PARIS)


def test_a_date_and_time_with_a_space_reads_as_with_a_t():
    assert read_at("2026-10-31 23:59", PARIS) == read_at("2026-10-31T23:59", PARIS)


def test_another_producers_zone_is_its_own():
    martinique = ZoneInfo("America/Martinique")
    assert read_at("2026-12-31", martinique) == utc(2027, 1, 1, 4) - MICRO


def test_an_hour_that_happens_twice_when_clocks_go_back_is_read_as_its_second_occurrence():
    # 25 October 2026, 03:00 CEST becomes 02:00 CET: 02:30 happens at 00:30 and 01:30 UTC
    assert read_at("2026-10-25T02:30", PARIS) == utc(2026, 10, 25, 1, 31) - MICRO


def test_a_time_skipped_when_clocks_go_forward_is_refused_naming_the_field():
    with pytest.raises(InvalidMoment) as refused:
        read_at("2026-03-29T02:30", PARIS)
    assert refused.value.status == 422
    assert refused.value.detail()[0]["loc"] == ["query", "at"]
    assert "does not exist in Europe/Paris" in refused.value.message


@pytest.mark.parametrize("text", [
    "", "yesterday", "2026-13-01", "2026-02-30", "2026-10-31T24:00", "2026-10-31T23:60",
    "2026-10-31T23", "26-10-31", "2026-10-31T23:59+25:00", "2026-10-31T23:59:30.1234567",
    "2026-10-31Z", "0000-01-01", "9999-12-31T23:59-14:00", "0001-01-01T00:00+14:00",
    "2026-10-31T23:59" + " " * 40,
])
def test_what_is_not_a_date_or_is_out_of_range_is_refused(text):
    with pytest.raises(InvalidMoment):
        read_at(text, PARIS)


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 31),
                    timezones=st.just(UTC)))
def test_an_instant_stated_to_the_microsecond_with_its_offset_is_that_instant(instant):
    stated = instant.isoformat(timespec="microseconds")
    assert read_at(stated, PARIS) == instant
    assert read_at(stated.replace("+00:00", "Z"), PARIS) == instant


@given(st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2999, 12, 30)))
def test_a_wall_clock_minute_ends_within_it_whenever_it_exists(wall):
    minute = wall.replace(second=0, microsecond=0)
    try:
        instant = read_at(minute.strftime("%Y-%m-%dT%H:%M"), PARIS)
    except InvalidMoment:  # skipped when the clocks went forward
        assert minute.replace(tzinfo=PARIS).astimezone(UTC).astimezone(PARIS).replace(
            tzinfo=None) != minute
        return
    assert instant.astimezone(PARIS).replace(tzinfo=None) == minute + timedelta(
        minutes=1) - MICRO


def test_an_unknown_or_missing_zone_is_read_as_paris():
    assert zone_named(None).key == DEFAULT_TIME_ZONE
    assert zone_named("Mars/Olympus_Mons").key == DEFAULT_TIME_ZONE
    assert zone_named("../../etc/passwd").key == DEFAULT_TIME_ZONE
    assert zone_named("America/Martinique").key == "America/Martinique"


async def test_the_payment_settings_tell_the_accounts_the_producers_time_zone():
    store = Store()
    settings = PaymentSettingsChanged(producer_id="ferme-a", payment_tracking=True,
                                      accepted_modes=["cash"], online_payment_required=False,
                                      time_zone="America/Martinique", event_id=uuid.uuid4())
    await messagebus.handle_batch([settings], lambda: FakeUnitOfWork(store), "t")
    assert store.time_zones["ferme-a"] == "America/Martinique"
    assert store.tracking["ferme-a"] is True
