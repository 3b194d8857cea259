import json

from django.core.management.base import BaseCommand, CommandError

from jiliang.campaigns import rollup, services
from jiliang.campaigns.models import Campaign


class Command(BaseCommand):
    help = (
        "Campaign figures. 'rebuild' recomputes the roll-up from the sources (all campaigns or "
        "--campaign ID); 'recount' recounts the platform's figures (everything, or only what "
        "changed since the last recount with --changed). Prints a JSON summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "recount"])
        parser.add_argument("--campaign", type=int, help="the campaign's id (default: all)")
        parser.add_argument(
            "--changed",
            action="store_true",
            help="recount: only what changed since the previous recount",
        )

    def handle(self, *args, action, campaign=None, changed=False, **options):
        campaigns = Campaign.objects.select_related("region").order_by("pk")
        if campaign is not None:
            campaigns = campaigns.filter(pk=campaign)
            if not campaigns.exists():
                raise CommandError(f"No campaign {campaign}.")
        if action == "rebuild":
            summary = {str(each.pk): rollup.rebuild(each) for each in campaigns}
            self.stdout.write(json.dumps({"rows": summary}, ensure_ascii=False))
            return
        if campaign is None:
            run = services.recount_due(full=not changed)
            self.stdout.write(
                json.dumps({"changed": run.rows_changed, "full": run.full}, ensure_ascii=False)
            )
            return
        if changed:
            raise CommandError("--changed recounts all campaigns; leave --campaign out.")
        changed_rows = services.recount(campaign=campaigns.get())
        self.stdout.write(json.dumps({"changed": changed_rows}, ensure_ascii=False))
