"""Reading and searching the published FAQ; loading the office's seed content."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Prefetch

from core.public import page_cache

from .models import FaqCategory, FaqEntry

SEED_FILE = Path(__file__).resolve().parent / "seed" / "faq.json"
MAX_QUERY_LENGTH = 100


def _cache_key(language: str) -> str:
    return f"faq:sections:v1:{language}"


def forget_cached_sections() -> None:
    cache.delete_many([_cache_key(code) for code, _name in settings.LANGUAGES])
    page_cache.forget("faq")


def published_sections(language: str) -> list[dict]:
    """The public FAQ in ``language``: categories in order, each with its entries (cached)."""
    sections = cache.get(_cache_key(language))
    if sections is None:
        sections = _load_sections(language)
        cache.set(_cache_key(language), sections, timeout=24 * 60 * 60)
    return sections


def _load_sections(language: str) -> list[dict]:
    entries = FaqEntry.objects.filter(published=True).order_by("order", "pk")
    categories = FaqCategory.objects.prefetch_related(Prefetch("entries", queryset=entries))
    sections = []
    for number, category in enumerate(categories, start=1):
        items = [
            {
                "slug": entry.slug,
                "question": getattr(entry, f"question_{language}"),
                "answer": getattr(entry, f"answer_{language}"),
            }
            for entry in category.entries.all()
            if getattr(entry, f"question_{language}").strip()
        ]
        if items:
            title = getattr(category, f"title_{language}") or category.title_ja
            sections.append(
                {"number": number, "slug": category.slug, "title": title, "entries": items}
            )
    return sections


def normalize(text: str) -> str:
    """Fold width (full-width letters to ASCII), case and spaces: match what people type."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def search(sections: list[dict], query: str) -> list[dict]:
    """Sections keeping only the entries whose text contains every word of ``query``."""
    words = normalize(query[:MAX_QUERY_LENGTH]).split()
    if not words:
        return sections
    found = []
    for section in sections:
        entries = [
            entry
            for entry in section["entries"]
            if all(word in normalize(entry["question"] + " " + entry["answer"]) for word in words)
        ]
        if entries:
            found.append({**section, "entries": entries})
    return found


@transaction.atomic
def load_seed(*, path: Path = SEED_FILE, overwrite: bool = False) -> dict[str, int]:
    """Create the seed categories and entries that are missing (all of them with ``overwrite``).

    Safe to repeat: rows are matched by their anchor, and staff edits are kept unless
    ``overwrite`` is asked for.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    counts = {"created": 0, "updated": 0, "kept": 0}
    for category_order, category_data in enumerate(data["categories"], start=1):
        category, created = FaqCategory.objects.get_or_create(
            slug=category_data["slug"],
            defaults={
                "order": category_order,
                "title_ja": category_data["title_ja"],
                "title_en": category_data["title_en"],
            },
        )
        if not created and overwrite:
            category.order = category_order
            category.title_ja = category_data["title_ja"]
            category.title_en = category_data["title_en"]
            category.save()
        for entry_order, entry_data in enumerate(category_data["entries"], start=1):
            fields = {
                "category": category,
                "order": entry_order,
                "question_ja": entry_data["question_ja"],
                "answer_ja": entry_data["answer_ja"],
                "question_en": entry_data["question_en"],
                "answer_en": entry_data["answer_en"],
            }
            entry = FaqEntry.objects.filter(slug=entry_data["slug"]).first()
            if entry is None:
                FaqEntry.objects.create(slug=entry_data["slug"], **fields)
                counts["created"] += 1
            elif overwrite:
                for name, value in fields.items():
                    setattr(entry, name, value)
                entry.save()
                counts["updated"] += 1
            else:
                counts["kept"] += 1
    forget_cached_sections()
    return counts
