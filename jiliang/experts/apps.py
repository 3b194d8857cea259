from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "jiliang.experts"
    label = "experts"
    verbose_name = _("Experts, problems and consultations")

    def ready(self):
        from jiliang.experts.hooks import consultations, knowledge, problems, registry

        # Each part registers its demo, navigation, panels, to-dos and campaign counters.
        for part in (registry, problems, consultations, knowledge):
            part.register()
