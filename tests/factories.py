"""factory_boy factories for the domain, with Chinese fakes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from metrics.models import DataValue, Indicator, MonthlyReturn
from portal.models import Profile
from regions.models import Organisation, Region

PASSWORD = "Ceshi-mima-2026"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region

    name = factory.Sequence(lambda n: f"测试社区{n}")
    level = Region.Level.COMMUNITY


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def finish(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def make_user(region: Region, role: str, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    Profile.objects.create(user=user, region=region, role=role)
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试党支部{n}")
    kind = Organisation.Kind.BRANCH
    category = Organisation.Category.COMMUNITY
    member_count = 30


def value(
    indicator: str | Indicator,
    region: Region,
    start: date,
    amount,
    *,
    period_type="month",
    status="approved",
    source="return",
) -> DataValue:
    ind = indicator if isinstance(indicator, Indicator) else Indicator.objects.get(code=indicator)
    return DataValue.objects.create(
        indicator=ind,
        region=region,
        period_type=period_type,
        period_start=start,
        value=Decimal(str(amount)),
        status=status,
        source=source,
    )


def monthly_return(region: Region, dataset, month: date, status="draft") -> MonthlyReturn:
    return MonthlyReturn.objects.create(region=region, dataset=dataset, month=month, status=status)
