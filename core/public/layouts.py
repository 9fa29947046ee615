"""The crispy layout of a blank public form, rendered once per process and reused.

Rendering a form's crispy layout (some 25 fields, each through a dozen small templates) costs
about 15 ms, most of a form page. For a blank form (a visitor who has typed nothing yet) the
HTML is the same for every visitor except the per-request hidden values: the signed
``form_started`` stamp and the ``submission_key``. So ``{% crispy_form form %}`` renders it once
per form class, language and layout variant, keeps it with markers in place of those values,
and fills in each visitor's own (escaped as Django's input template escapes them). The CSRF
token and the honeypot are outside the layout (in the page template); the honeypot's input, the
same for every blank form, is kept too (``{% blank_field %}``). A bound form (answers, errors)
or a form prefilled from a draft is always rendered afresh, exactly as ``{% crispy form %}``
does.

The HTML depends only on code, templates, translations and settings, which change with a
deploy, and a deploy starts new processes: the layouts are kept in process memory (no cache
round trip, nothing to invalidate). A test that overrides a setting and the development server
after a template edit empty it.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_tags import CrispyFormNode
from crispy_forms.utils import get_template_pack
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.urls import get_script_prefix
from django.utils.autoreload import file_changed
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

MAX_LAYOUTS = 64  # forms x languages x variants; far more means a key that varies by mistake
_layouts: dict[tuple, str] = {}


class CachedBlankLayout:
    """Opts a form in: its blank layout is rendered once and reused (see the module).

    The form's layout must depend only on its class, the language, ``layout_variant()`` and its
    field names; ``per_request_fields`` are the hidden inputs whose value each visitor gets anew.
    """

    per_request_fields: tuple[str, ...] = ("form_started", "submission_key")

    def layout_variant(self) -> str:
        """What the layout depends on besides the class, language and fields (e.g. an
        argument of the constructor)."""
        return ""


def is_blank(form) -> bool:
    """Unbound, and no initial value besides the per-request ones (so no draft's answers)."""
    return isinstance(form, CachedBlankLayout) and (
        not form.is_bound and set(form.initial) <= set(form.per_request_fields)
    )


def _key(form, *more) -> tuple:
    return (
        type(form).__module__,
        type(form).__qualname__,
        get_language(),
        get_script_prefix(),
        form.layout_variant(),
        tuple(form.fields),
        *more,
    )


def render(form, context: Context) -> SafeString:
    """``{% crispy form %}``, from the rendered blank layout when the form is blank."""
    if not is_blank(form):
        return _render_crispy(form, context)
    key = _key(form)
    values = {name: _value(form, name) for name in form.per_request_fields if name in form.fields}
    layout = _layouts.get(key)
    if layout is None or None in values.values():
        inputs = {name: str(form[name]) for name in values}
        html = _render_crispy(form, context)
        layout = _with_markers(html, inputs, values)
        if layout is not None:
            if len(_layouts) >= MAX_LAYOUTS:
                _layouts.clear()
            _layouts[key] = layout
        return html
    for name, value in values.items():
        layout = layout.replace(_marker(name), conditional_escape(value))
    return mark_safe(layout)  # noqa: S308  (crispy's own output, with escaped values)


def blank_field(bound_field) -> SafeString:
    """``{{ form.field }}`` for a field of the form outside its layout (the honeypot): for a
    blank form, rendered once per layout and field, since it has no value of its own."""
    form = bound_field.form
    if not is_blank(form) or bound_field.name in form.per_request_fields:
        return mark_safe(str(bound_field))  # noqa: S308  (Django's rendered widget)
    key = _key(form, bound_field.name)
    html = _layouts.get(key)
    if html is None:
        html = str(bound_field)
        if len(_layouts) >= MAX_LAYOUTS:
            _layouts.clear()
        _layouts[key] = html
    return mark_safe(html)  # noqa: S308  (Django's rendered widget)


def forget_all() -> None:
    _layouts.clear()


def _render_crispy(form, context: Context) -> SafeString:
    # What {% crispy form %} compiles to, with the form under the name it looks up.
    node = CrispyFormNode("form", None, template_pack=get_template_pack())
    with context.push(form=form):
        return mark_safe(node.render(context))  # noqa: S308  (a rendered template)


def _marker(name: str) -> str:
    return f"\x00{name}\x00"  # never in rendered HTML


def _value(form, name: str) -> str | None:
    """The value of a per-request input as its widget writes it (None: no value attribute)."""
    bound_field = form[name]
    return bound_field.field.widget.format_value(bound_field.value())


def _with_markers(html: str, inputs: dict[str, str], values: dict[str, str | None]) -> str | None:
    """The layout with the value of each per-request input replaced by its marker, or None when
    that is not certain to be the only place its value appears (then nothing is kept)."""
    if "\x00" in html:
        return None
    for name, hidden_input in inputs.items():
        if values[name] is None:
            return None
        value = conditional_escape(values[name])
        if html.count(hidden_input) != 1 or html.count(value) != 1:
            return None
        if hidden_input.count(f' value="{value}"') != 1:
            return None
        html = html.replace(hidden_input, hidden_input.replace(value, _marker(name)))
    return html


@receiver(setting_changed)
def _setting_changed(**kwargs) -> None:
    forget_all()


@receiver(file_changed, dispatch_uid="core.public.layouts.file_changed")
def _file_changed(sender, file_path, **kwargs) -> None:
    # The development server reloads templates and translations without a restart.
    if file_path.suffix != ".py":
        forget_all()
