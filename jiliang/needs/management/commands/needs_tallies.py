import json

from django.core.management.base import BaseCommand, CommandError

from jiliang.needs.models import Questionnaire
from jiliang.needs.services import tallies


class Command(BaseCommand):
    help = (
        "Survey tallies. 'rebuild' recounts the answer tallies the results page reads from the "
        "submitted answers (all questionnaires or --questionnaire ID), after a repair of data. "
        "Prints a JSON summary: the cells written per questionnaire."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild"])
        parser.add_argument("--questionnaire", type=int, help="the questionnaire's id")

    def handle(self, *args, action, questionnaire=None, **options):
        questionnaires = Questionnaire.objects.order_by("pk")
        if questionnaire is not None:
            questionnaires = questionnaires.filter(pk=questionnaire)
            if not questionnaires.exists():
                raise CommandError(f"No questionnaire {questionnaire}.")
        summary = {str(each.pk): tallies.rebuild(each) for each in questionnaires}
        self.stdout.write(json.dumps({"cells": summary}))
