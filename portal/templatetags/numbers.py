"""Template filters for figures; the rules live in ``portal.numbers``."""

from django import template

from portal import numbers

register = template.Library()


@register.filter
def money(value) -> str:
    return numbers.money(value)


@register.filter
def count(value) -> str:
    return numbers.count(value)


@register.filter
def rate(value) -> str:
    return numbers.rate(value)


@register.filter
def figure(value, unit: str = "") -> str:
    return numbers.figure(value, unit or "")
