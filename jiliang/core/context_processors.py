from jiliang.core.navigation import active_section_key, sections_for
from jiliang.core.selectors import request_role


def navigation(request):
    """The sections of the main navigation for the signed-in user's role."""
    if not request.user.is_authenticated:
        return {}
    role = request_role(request)
    sections = sections_for(role)
    return {
        "dashboard_role": role,
        "nav_sections": sections,
        "active_section": active_section_key(sections, request.path),
    }
