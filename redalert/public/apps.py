from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    name = "redalert.public"
    label = "public"
    verbose_name = _("Public site")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from redalert.cases.models import Case, MissingPerson

        # Edits of a case or its person go through several apps' services; these keep the public listing's copy of
        # the name, age, place and date in step (see redalert.public.listing).
        post_save.connect(_case_saved, sender=Case, dispatch_uid="public-listing-case")
        post_save.connect(_person_saved, sender=MissingPerson, dispatch_uid="public-listing-person")


def _case_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from redalert.public.listing import searched_fields_changed

    if not raw:
        searched_fields_changed(instance.pk)


def _person_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from redalert.public.listing import searched_fields_changed

    if not raw and instance.case_id is not None:
        searched_fields_changed(instance.case_id)
