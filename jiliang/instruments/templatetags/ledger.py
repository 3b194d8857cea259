from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from jiliang.instruments.choices import Label

register = template.Library()

BADGES = {
    Label.GREEN: ("text-bg-success", _("Pass")),
    Label.YELLOW: ("text-bg-warning", _("Restricted")),
    Label.RED: ("text-bg-danger", _("Do not use")),
}


@register.simple_tag
def label_badge(label):
    """The three-colour label as a badge that always carries its text."""
    css, text = BADGES[label]
    return format_html('<span class="badge {}">{}</span>', css, text)


@register.simple_tag
def label_text(label):
    """The words of the three-colour label, as its badge says them."""
    return BADGES[label][1]
