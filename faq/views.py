from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from core.public.page_cache import cached_page

from . import services


@require_GET
@cached_page("faq")
def faq_list(request):
    query = request.GET.get("q", "").strip()[: services.MAX_QUERY_LENGTH]
    sections = services.published_sections(get_language())
    results = services.search(sections, query) if query else sections
    return render(
        request,
        "faq/faq_list.html",
        {
            "sections": results,
            "all_sections": sections,
            "query": query,
            "result_count": sum(len(section["entries"]) for section in results),
        },
    )
