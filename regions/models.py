"""The lowest layer: the administrative tree of regions, the Party organisations in it and their
“五星” ratings. Every other app builds on these and none of them is imported here.

The tables keep the names they had in ``metrics`` (``metrics_region`` …): the models moved, the
data did not, and the tally triggers of ``metrics`` still read them by those names.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext_lazy as _

PATH_STEP = 5  # digits per tree level: up to 99 999 children under one parent


class Region(models.Model):
    """A node of the administrative tree 市 → 区/县/示范区 → 街道/乡镇 → 社区/村.

    ``path`` is a materialised path ("00001.00003."), so a whole subtree is one indexed
    ``LIKE 'prefix%'`` query instead of recursion.
    """

    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区/县/示范区")
        STREET = "street", _("街道/乡镇")
        COMMUNITY = "community", _("社区/村")

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True, help_text=_("新闻中常用的简称，如“示范区”"))
    aliases = models.CharField(_("别名"), max_length=300, blank=True, help_text=_("以逗号分隔"))
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    code = models.CharField(_("区划代码"), max_length=12, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    population = models.PositiveIntegerField(_("常住人口"), null=True, blank=True)

    class Meta:
        db_table = "metrics_region"
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["path"]
        indexes = [models.Index(fields=["path"], name="region_path_prefix", opclasses=["varchar_pattern_ops"])]
        constraints = [models.UniqueConstraint(fields=["parent", "name"], name="region_unique_name_per_parent")]

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return len(self.path) // (PATH_STEP + 1)

    @property
    def display_name(self) -> str:
        """The name with its parent where the bare name is ambiguous (two 城乡一体化示范区)."""
        if self.level == self.Level.DISTRICT and self.parent_id and "示范区" in self.name:
            return f"{self.parent.name}{self.name}"
        return self.name

    def alias_list(self) -> list[str]:
        names = [self.short_name] if self.short_name else []
        names += [a.strip() for a in self.aliases.replace("，", ",").split(",") if a.strip()]
        return names

    def descendants(self, include_self: bool = True) -> models.QuerySet[Region]:
        qs = Region.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def ancestor_paths(self, include_self: bool = True) -> list[str]:
        step = PATH_STEP + 1
        paths = [self.path[: i * step] for i in range(1, self.depth + 1)]
        return paths if include_self else paths[:-1]

    def ancestors(self, include_self: bool = False) -> models.QuerySet[Region]:
        return Region.objects.filter(path__in=self.ancestor_paths(include_self)).order_by("path")

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)

    def clean(self) -> None:
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("上级不能是自身或其下级区域。")})

    def save(self, *args, **kwargs) -> None:
        with transaction.atomic():
            old_path = None
            if self.pk:
                old_path = Region.objects.filter(pk=self.pk).values_list("path", flat=True).first()
            parent_path = self.parent.path if self.parent_id else ""
            if not self.path or not self.path.startswith(parent_path) or self.depth != parent_path.count(".") + 1:
                self.path = self._next_child_path(parent_path)
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                # Moving a region moves its subtree: rewrite the descendants' prefixes at once.
                Region.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(self.path), Substr(F("path"), len(old_path) + 1))
                )

    def _next_child_path(self, parent_path: str) -> str:
        siblings = Region.objects.filter(path__startswith=parent_path).annotate(n=Length("path"))
        last = siblings.filter(n=len(parent_path) + PATH_STEP + 1).order_by("-path").values_list("path", flat=True)
        last_path = last.first()
        seq = int(last_path[-PATH_STEP - 1 : -1]) + 1 if last_path else 1
        return f"{parent_path}{seq:0{PATH_STEP}d}."


class Organisation(models.Model):
    """A Party organisation (党委 / 党总支 / 党支部) with its 换届 dates."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("党委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    class Category(models.TextChoices):
        ORGAN = "organ", _("机关")
        RURAL = "rural", _("农村")
        COMMUNITY = "community", _("社区")
        NEW_ORG = "new_org", _("两新组织")
        SCHOOL = "school", _("学校")
        SOE = "soe", _("国有企业")
        PUBLIC_INSTITUTION = "public_institution", _("事业单位")
        OTHER = "other", _("其他")

    # Terms under the 2019 rules: 党委 five years, 党总支 and 党支部 three.
    TERM_YEARS = {Kind.COMMITTEE: 5, Kind.GENERAL_BRANCH: 3, Kind.BRANCH: 3}

    name = models.CharField(_("名称"), max_length=150)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("领域"), max_length=24, choices=Category.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级党组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="organisations"
    )
    member_count = models.PositiveIntegerField(_("党员数"), default=0)
    last_election = models.DateField(_("上次换届日期"), null=True, blank=True)
    next_election_due = models.DateField(_("下次换届到期日"), null=True, blank=True)

    class Meta:
        db_table = "metrics_organisation"
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["region__path", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="organisation_unique_name_per_region")]
        # The 换届 reminder lists the soonest due first and stops after a screenful.
        indexes = [models.Index(fields=["next_election_due"], name="organisation_election_due")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("上级党组织不能是自身。")})
        if self.last_election and self.next_election_due and self.next_election_due <= self.last_election:
            raise ValidationError({"next_election_due": _("下次换届到期日应晚于上次换届日期。")})

    def save(self, *args, **kwargs) -> None:
        if self.last_election and not self.next_election_due:
            years = self.TERM_YEARS.get(self.kind, 3)
            self.next_election_due = _add_years(self.last_election, years)
        super().save(*args, **kwargs)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class StarDefinition(models.Model):
    """One star of the “五星”支部 rating; the urban stars are data, so each city can set its own."""

    class Scheme(models.TextChoices):
        RURAL = "rural", _("农村")
        URBAN = "urban", _("城市社区")

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    scheme = models.CharField(_("适用"), max_length=10, choices=Scheme.choices)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        db_table = "metrics_stardefinition"
        verbose_name = _("“五星”星级")
        verbose_name_plural = _("“五星”星级")
        ordering = ["scheme", "order"]

    def __str__(self) -> str:
        return self.name


class StarRating(models.Model):
    """Whether one organisation earned one star in one year, with its evidence."""

    class Status(models.TextChoices):
        PENDING = "pending", _("评定中")
        AWARDED = "awarded", _("已获得")
        NOT_AWARDED = "not_awarded", _("未获得")
        REVOKED = "revoked", _("已摘星")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="star_ratings")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    star = models.ForeignKey(StarDefinition, verbose_name=_("星级"), on_delete=models.PROTECT)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING)
    evidence = models.TextField(_("佐证说明"), blank=True)
    rated_at = models.DateField(_("评定日期"), null=True, blank=True)

    class Meta:
        db_table = "metrics_starrating"
        verbose_name = _("“五星”评定")
        verbose_name_plural = _("“五星”评定")
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "star"], name="star_rating_once")]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.star}"
