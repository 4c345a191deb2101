"""Region, Organisation and “五星” moved from metrics to regions (regions 0001, metrics 0011): a
database that already holds them keeps every row, its content types and permissions follow the
models, and the tally triggers on the unchanged tables still fire."""

from datetime import date

# The models as they were before the move, in metrics.
BEFORE = [
    ("metrics", "0010_remove_datavalue_mention"),
    ("portal", "0002_api_tokens"),
    ("reports", "0005_mention_data_value"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
]
MODELS = ("region", "organisation", "stardefinition", "starrating")


def _before_the_move(executor):
    """Unapply regions 0001 (and metrics 0011, portal 0003, reports 0006, which depend on it)."""
    executor.loader.build_graph()
    executor.migrate([("regions", None)])
    return executor.loader.project_state(BEFORE).apps


def _after_the_move(executor):
    executor.loader.build_graph()
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(latest)
    return executor.loader.project_state(latest).apps


def _labels(apps) -> dict[str, str]:
    ContentType = apps.get_model("contenttypes", "ContentType")
    return dict(ContentType.objects.filter(model__in=MODELS).values_list("model", "app_label"))


def test_rows_content_types_and_triggers_survive_the_move(migrator):
    old = _before_the_move(migrator)
    try:
        assert _labels(old) == dict.fromkeys(MODELS, "metrics")
        Region, Organisation = old.get_model("metrics", "Region"), old.get_model("metrics", "Organisation")
        StarDefinition, StarRating = old.get_model("metrics", "StarDefinition"), old.get_model("metrics", "StarRating")
        Profile, Report = old.get_model("portal", "Profile"), old.get_model("reports", "Report")
        User, Permission = old.get_model("auth", "User"), old.get_model("auth", "Permission")
        region = Region.objects.create(name="川汇区", path="00001.", level="district")
        org = Organisation.objects.create(name="川汇区委", kind="committee", category="organ", region=region)
        star = StarDefinition.objects.create(code="s_test", name="支部过硬星", scheme="urban")
        rating = StarRating.objects.create(organisation=org, year=2024, star=star, status="awarded")
        user = User.objects.create(username="editor")
        Profile.objects.create(user=user, region=region, role="editor")
        report = Report.objects.create(
            region=region, title="走访", source_kind="website", published=date(2024, 3, 5), text="走访"
        )
        change_region = Permission.objects.get(content_type__app_label="metrics", codename="change_region")
    finally:
        new = _after_the_move(migrator)
    assert _labels(new) == dict.fromkeys(MODELS, "regions")
    Region, StarRating = new.get_model("regions", "Region"), new.get_model("regions", "StarRating")
    assert Region.objects.get(pk=region.pk).organisations.get().pk == org.pk
    assert StarRating.objects.get(pk=rating.pk).star_id == star.pk
    assert new.get_model("portal", "Profile").objects.get(user_id=user.pk).region_id == region.pk
    assert new.get_model("reports", "Report").objects.get(pk=report.pk).region_id == region.pk
    moved = new.get_model("auth", "Permission").objects.get(pk=change_region.pk)
    assert (moved.content_type.app_label, moved.codename) == ("regions", "change_region")
    # The tally triggers read metrics_starrating and metrics_organisation by name: still there.
    TallyDirty = new.get_model("metrics", "TallyDirty")
    TallyDirty.objects.all().delete()
    StarRating.objects.filter(pk=rating.pk).update(status="revoked")
    assert TallyDirty.objects.filter(kind="stars", region_id=region.pk, period=date(2024, 1, 1)).exists()
