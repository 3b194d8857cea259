from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    name = "jiliang.needs"
    label = "needs"
    verbose_name = _("Needs, surveys and visits")

    def ready(self):
        from jiliang.needs.hooks import answering, fieldwork, questionnaires, results

        # Each part registers its demo, navigation, panels, to-dos and campaign counters.
        for part in (questionnaires, answering, results, fieldwork):
            part.register()
