from django.core.management.base import BaseCommand

from jiliang.experts.search.index import reindex_all


class Command(BaseCommand):
    help = (
        "Rebuild the search index of the common questions, typical cases and public "
        "consultations from what is published (after a change of the metrology dictionary "
        "or of the segmentation)."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{reindex_all()} entries indexed.")
