from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import FaqCategory, FaqEntry


@admin.register(FaqCategory)
class FaqCategoryAdmin(admin.ModelAdmin):
    list_display = ["order", "title_ja", "title_en", "slug"]
    list_display_links = ["title_ja"]
    list_editable = ["order"]
    search_fields = ["title_ja", "title_en"]
    prepopulated_fields = {"slug": ["title_en"]}
    ordering = ["order"]


@admin.register(FaqEntry)
class FaqEntryAdmin(admin.ModelAdmin):
    list_display = ["question_ja", "question_en", "category", "order", "published", "updated_at"]
    list_editable = ["order", "published"]
    list_filter = ["published", "category"]
    list_select_related = ["category"]
    search_fields = ["question_ja", "question_en", "answer_ja", "answer_en"]
    prepopulated_fields = {"slug": ["question_en"]}
    ordering = ["category__order", "order"]
    fieldsets = [
        (None, {"fields": ["category", "slug", "order", "published"]}),
        (_("Japanese"), {"fields": ["question_ja", "answer_ja"]}),
        (_("English"), {"fields": ["question_en", "answer_en"]}),
    ]
