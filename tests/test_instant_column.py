"""The UTC instant column: aware in, aware out, stored in UTC whatever the zone it came in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.types import TypeDecorator

from storage.types import UTCDateTime

SHANGHAI = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 18, 2, 0, 0, 123456, tzinfo=UTC)


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()], ids=["sqlite", "pg"])
def test_the_remembered_bind_gives_what_sqlalchemy_gives(dialect) -> None:  # type: ignore[no-untyped-def]
    ours = UTCDateTime().bind_processor(dialect)
    theirs = TypeDecorator.bind_processor(UTCDateTime(), dialect)  # SQLAlchemy's chain, nothing remembered
    assert ours is not None and theirs is not None
    # The same instant again, the same instant in another zone, a microsecond later, nothing, and back.
    values = [
        NOW,
        NOW,
        NOW.astimezone(SHANGHAI),
        NOW + timedelta(microseconds=1),
        None,
        NOW,
        NOW.replace(second=5),
    ]
    assert [ours(v) for v in values] == [theirs(v) for v in values]
    assert ours(NOW.astimezone(SHANGHAI)) == theirs(NOW)  # remembered from another zone: still UTC
    with pytest.raises(ValueError, match="naive"):
        ours(datetime(2026, 11, 18, 2, 0))  # right after an equal aware instant: still refused
