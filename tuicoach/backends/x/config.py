"""The config tables the X backend declares: ``[x]`` and ``[pricing]``.

Declared once, as ``msgspec`` structs: each field's type, bounds, default and
the comment ``tuicoach config`` prints beside it. :mod:`tuicoach.config` reads
and prints them like any other section; :func:`x_settings` and
:func:`pricing_settings` turn them into what the backend uses. Standard
library, msgspec and the light X modules only: the config imports this.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Annotated

import msgspec

from tuicoach.backends.x.cost import (
    DEFAULT_PRICE_TABLE,
    DEFAULT_UNIT_TABLE,
    Prices,
    PricingSettings,
    UnitPrices,
    units_on,
)
from tuicoach.backends.x.settings import (
    API_BASE_ENV,
    DEFAULT_API_BASE,
    ApiBaseError,
    XSettings,
    normalise_base,
)


def _number(low: float, high: float, help: str) -> msgspec.Meta:
    return msgspec.Meta(ge=low, le=high, description=help)


class XSection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """The X account. $TUICOACH_X_API_BASE, when set, wins over api_base."""

    api_base: Annotated[
        str | None,
        msgspec.Meta(
            description="where X's API answers",
            extra={"expected": "a URL in quotes", "example": DEFAULT_API_BASE},
        ),
    ] = None
    timeout: Annotated[
        float, _number(0.1, 300, "seconds to wait for X to connect, and for each answer")
    ] = 15.0
    retries: Annotated[int, _number(1, 10, "tries for a read that fails for a passing reason")] = 4
    page_size: Annotated[int, _number(5, 100, "tweets per request (X allows 5 to 100)")] = 100
    backfill_pages: Annotated[
        int, _number(1, 50, "first sync: at most this many requests per stream")
    ] = 2
    catch_up_pages: Annotated[
        int, _number(1, 50, "later syncs: at most this many requests per stream")
    ] = 5
    poll_seconds: Annotated[
        float,
        _number(1, 86400, "how often the app refreshes (never faster than X allows)"),
    ] = 60.0

    def __post_init__(self) -> None:
        # "field: problem": the config names the key (see tuicoach.config).
        if self.api_base is not None:
            try:
                self.api_base = normalise_base(self.api_base)
            except ApiBaseError as exc:
                raise ValueError(
                    "api_base: " + str(exc).replace(f" or ${API_BASE_ENV}", "")
                ) from None


_PRICE = msgspec.Meta(ge=0, le=100)


class PriceRow(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    since: Annotated[date, msgspec.Meta(extra={"expected": "a date such as 2026-02-01"})]
    post_read: Annotated[float, _PRICE]
    user_read: Annotated[float, _PRICE]
    post_create: Annotated[float, _PRICE]
    post_create_url: Annotated[float, _PRICE]
    # Priced apart from 2026-04-20; a row that leaves one out takes X's price for its date.
    owned_read: Annotated[float, _PRICE] | None = None
    summoned_reply: Annotated[float, _PRICE] | None = None
    counts_request: Annotated[float, _PRICE] | None = None


def _default_rows() -> list[PriceRow]:
    rows = []
    for p in DEFAULT_PRICE_TABLE:
        units = units_on(p.since, DEFAULT_UNIT_TABLE)
        rows.append(
            PriceRow(
                since=p.since,
                post_read=p.post_read,
                user_read=p.user_read,
                post_create=p.post_create,
                post_create_url=p.post_create_url,
                owned_read=units.owned_read,
                summoned_reply=units.summoned_reply,
                counts_request=units.counts_request,
            )
        )
    return rows


class PricingSection(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """X's pay-per-use prices in US dollars, each row from its date (UTC) on;
    a repeat read of the same item on the same UTC day is free."""

    link_tip: Annotated[
        bool, msgspec.Meta(description="say when a link makes a post cost more")
    ] = True
    table: Annotated[list[PriceRow], msgspec.Meta(min_length=1)] = msgspec.field(
        default_factory=_default_rows
    )


#: The tables this backend adds to the config file.
SECTIONS: Mapping[str, type] = {"x": XSection, "pricing": PricingSection}


def x_settings(sections: Mapping[str, object]) -> XSettings:
    """The ``[x]`` table as the backend's :class:`XSettings`."""
    x = sections.get("x")
    if not isinstance(x, XSection):
        return XSettings()
    return XSettings(
        api_base=x.api_base,
        timeout=x.timeout,
        retries=x.retries,
        page_size=x.page_size,
        backfill_pages=x.backfill_pages,
        catch_up_pages=x.catch_up_pages,
        poll_seconds=x.poll_seconds,
    )


def pricing_settings(sections: Mapping[str, object]) -> PricingSettings:
    """The ``[pricing]`` table as :class:`PricingSettings`, its rows by date."""
    pricing = sections.get("pricing")
    if not isinstance(pricing, PricingSection):
        return PricingSettings()
    ordered = sorted(pricing.table, key=lambda r: r.since)
    rows = tuple(
        Prices(r.since, r.post_read, r.user_read, r.post_create, r.post_create_url) for r in ordered
    )
    units = []
    for r in ordered:
        known = units_on(r.since, DEFAULT_UNIT_TABLE)
        units.append(
            UnitPrices(
                r.since,
                known.owned_read if r.owned_read is None else r.owned_read,
                known.summoned_reply if r.summoned_reply is None else r.summoned_reply,
                known.counts_request if r.counts_request is None else r.counts_request,
            )
        )
    return PricingSettings(table=rows, link_tip=pricing.link_tip, units=tuple(units))
