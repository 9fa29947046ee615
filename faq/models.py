"""FAQ categories and entries, each with Japanese and English text."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class FaqCategory(models.Model):
    slug = models.SlugField(_("anchor"), unique=True, help_text=_("Stable anchor in the URL."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title_ja = models.CharField(_("title (Japanese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)

    class Meta:
        verbose_name = _("FAQ category")
        verbose_name_plural = _("FAQ categories")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.title_ja}"


class FaqEntry(models.Model):
    """One question and answer. A language left empty hides the entry on that language's page."""

    category = models.ForeignKey(
        FaqCategory, on_delete=models.PROTECT, related_name="entries", verbose_name=_("category")
    )
    slug = models.SlugField(_("anchor"), unique=True, help_text=_("Stable anchor in the URL."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published = models.BooleanField(_("published"), default=True)
    question_ja = models.CharField(_("question (Japanese)"), max_length=500, blank=True)
    answer_ja = models.TextField(_("answer (Japanese)"), blank=True)
    question_en = models.CharField(_("question (English)"), max_length=500, blank=True)
    answer_en = models.TextField(_("answer (English)"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["category__order", "order", "pk"]

    def __str__(self) -> str:
        return self.question_ja or self.question_en

    def clean(self) -> None:
        errors = {}
        for lang in ("ja", "en"):
            question, answer = getattr(self, f"question_{lang}"), getattr(self, f"answer_{lang}")
            if bool(question.strip()) != bool(answer.strip()):
                field = f"answer_{lang}" if question.strip() else f"question_{lang}"
                errors[field] = _("Fill in both the question and the answer, or neither.")
        if not (self.question_ja.strip() or self.question_en.strip()):
            errors["question_ja"] = _("Write the entry in at least one language.")
        if errors:
            raise ValidationError(errors)
