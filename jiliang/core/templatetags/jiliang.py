from django import template

register = template.Library()

# Ticks of a multiple choice and buttons of a single one stay plain: the class would also go on
# the list around them (a radio styled as a text box).
_CLASS_BY_WIDGET = {
    "select": "form-select",
    "checkbox": "form-check-input",
    "checkboxselectmultiple": "",
    "radioselect": "",
}


@register.simple_tag
def widget(field):
    """Render a bound field's widget with Bootstrap's classes and its validation state."""
    css = _CLASS_BY_WIDGET.get(field.widget_type, "form-control")
    attrs = {"class": f"{css} is-invalid" if field.errors else css}
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    if field.help_text:
        attrs.setdefault("aria-describedby", f"{field.auto_id}_help")
    return field.as_widget(attrs=attrs)
