from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "redalert.matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        # The intake form (redalert.cases) asks for possible duplicates through redalert.lib.intake, so that the
        # lower cases app never imports this one; the case file shows the further reports the same way.
        from redalert.matching import intake_hooks

        intake_hooks.register()
