"""The public FAQ: seed content, both languages, anchors, search, cache and staff edits."""

import pytest
from django.urls import reverse
from django.utils import translation

from faq import services
from faq.models import FaqCategory, FaqEntry

pytestmark = pytest.mark.django_db

# The twelve questions of the office's FAQ (shared/seed/faq.txt), by section.
SEED_SECTIONS = {
    "General Consultation Desk": [
        "What is customer harassment?",
        "What kind of consultations do you accept?",
        "What should businesses do to prevent customer harassment?",
        "I am unable to call the consultation desk during the day because I am working. "
        "How should I seek consultation?",
    ],
    "Seminars for Businesses and Organizations": [
        "In what format will the seminar be held?",
        "How can I check the registration status of the seminar?",
        "May I record the seminar, either by video or audio?",
    ],
    "Dispatch of Experts for Organizations": [
        "How long does it take to receive confirmation after submitting the application?",
        "How is the expert to be dispatched selected?",
        "Will the same expert be dispatched for all five sessions?",
        "How is the date and time for the expert dispatch determined?",
        "Is consultation support available by phone?",
    ],
}
JAPANESE_ONLY_ON_THE_OFFICE_SITE = [
    "現在受けている被害について、相談窓口でカスタマーハラスメントとして認定してもらえますか。",
    "取引先からの不当な要求や言動も、カスハラに該当しますか。",
]


@pytest.fixture
def seeded():
    return services.load_seed()


def get_faq(client, language, **params):
    with translation.override(language):
        url = reverse("faq:list")
    return client.get(url, params)


def test_seed_loads_every_question_in_both_languages(seeded):
    assert seeded == {"created": 14, "updated": 0, "kept": 0}
    assert FaqCategory.objects.count() == 3
    for entry in FaqEntry.objects.all():
        assert entry.question_ja and entry.answer_ja and entry.question_en and entry.answer_en


def test_loading_again_changes_nothing_and_keeps_staff_edits(seeded):
    entry = FaqEntry.objects.get(slug="seminar-format")
    entry.answer_en = "Edited by staff."
    entry.save()
    assert services.load_seed() == {"created": 0, "updated": 0, "kept": 14}
    entry.refresh_from_db()
    assert entry.answer_en == "Edited by staff."
    assert services.load_seed(overwrite=True)["updated"] == 14
    entry.refresh_from_db()
    assert "Zoom Webinars" in entry.answer_en


def test_english_page_shows_all_seed_questions_in_their_three_sections(client, seeded):
    response = get_faq(client, "en")
    assert response.status_code == 200
    sections = response.context["sections"]
    assert [s["title"] for s in sections] == list(SEED_SECTIONS)
    assert [s["number"] for s in sections] == [1, 2, 3]
    for section in sections:
        questions = [entry["question"] for entry in section["entries"]]
        for seed_question in SEED_SECTIONS[section["title"]]:
            assert seed_question in questions
    html = response.content.decode()
    for questions in SEED_SECTIONS.values():
        for question in questions:
            assert question in html


def test_japanese_page_shows_the_japanese_text(client, seeded):
    response = get_faq(client, "ja")
    html = response.content.decode()
    assert '<html lang="ja">' in html
    assert "総合相談窓口" in html and "団体向け専門家派遣" in html
    assert "カスタマー・ハラスメントとは何ですか。" in html
    for question in JAPANESE_ONLY_ON_THE_OFFICE_SITE:
        assert question in html
    assert "What is customer harassment?" not in html


def test_each_question_has_a_stable_anchor(client, seeded):
    html = get_faq(client, "en").content.decode()
    assert 'id="q-what-is-customer-harassment"' in html
    assert 'href="#q-seminar-recording"' in html
    assert 'id="expert-dispatch"' in html


@pytest.mark.parametrize(
    "language, query, expected",
    [
        ("ja", "録画", ["seminar-recording"]),
        ("en", "recording", ["seminar-recording"]),
        ("en", "RECORDING", ["seminar-recording"]),
        ("en", "ＺＯＯＭ", ["seminar-format"]),  # full-width letters, as a Japanese IME types
        ("en", "expert phone email", ["dispatch-scheduling"]),  # every word must match
        ("en", "録画", []),  # the English page searches the English text
        ("ja", "zzz-nothing", []),
    ],
)
def test_search_finds_entries_in_the_current_language(client, seeded, language, query, expected):
    response = get_faq(client, language, q=query)
    found = [entry["slug"] for s in response.context["sections"] for entry in s["entries"]]
    assert found == expected
    assert response.context["result_count"] == len(expected)


def test_search_results_say_how_many_matched(client, seeded):
    html = get_faq(client, "en", q="seminar").content.decode()
    assert "questions match “seminar”" in html
    html = get_faq(client, "ja", q="存在しない言葉").content.decode()
    assert "一致する質問は0件です" in html


def test_search_input_is_escaped_and_bounded(client, seeded):
    response = get_faq(client, "en", q="<script>alert(1)</script>" + "x" * 500)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)" not in html
    assert len(response.context["query"]) == services.MAX_QUERY_LENGTH


def test_unpublished_entries_and_entries_without_the_language_are_hidden(client, seeded):
    FaqEntry.objects.filter(slug="seminar-format").update(published=False)
    entry = FaqEntry.objects.get(slug="business-partner-demands")
    entry.question_en = entry.answer_en = ""
    entry.save()
    services.forget_cached_sections()
    en = get_faq(client, "en").content.decode()
    ja = get_faq(client, "ja").content.decode()
    assert "In what format will the seminar be held?" not in en
    assert "business partner" not in en
    assert "取引先からの不当な要求や言動" in ja


def test_staff_edits_show_at_once_although_the_page_is_cached(client, seeded):
    get_faq(client, "en")  # fills the cache
    entry = FaqEntry.objects.get(slug="seminar-format")
    entry.answer_en = "Held online via Zoom Webinars, and in person in Shinjuku."
    entry.save()
    assert "in person in Shinjuku" in get_faq(client, "en").content.decode()
    entry.delete()
    assert "In what format" not in get_faq(client, "en").content.decode()


def test_cached_faq_page_needs_no_query(client, seeded, django_assert_num_queries):
    get_faq(client, "en")
    with django_assert_num_queries(0):
        response = get_faq(client, "en", q="seminar")
    assert response.status_code == 200


def test_entry_needs_both_question_and_answer_in_a_language():
    from django.core.exceptions import ValidationError

    category = FaqCategory.objects.create(slug="c", title_ja="カテゴリ", title_en="Category")
    entry = FaqEntry(category=category, slug="e", question_en="Question only?")
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert set(error.value.message_dict) == {"answer_en"}
    with pytest.raises(ValidationError) as error:
        FaqEntry(category=category, slug="empty").full_clean()
    assert set(error.value.message_dict) == {"question_ja"}
    FaqEntry(category=category, slug="ok", question_ja="質問", answer_ja="回答").full_clean()


def test_staff_can_edit_the_faq_in_the_admin(admin_client, seeded):
    entry = FaqEntry.objects.get(slug="seminar-format")
    response = admin_client.get(reverse("admin:faq_faqentry_changelist"))
    assert response.status_code == 200
    response = admin_client.get(reverse("admin:faq_faqentry_change", args=[entry.pk]))
    assert response.status_code == 200
    data = {
        "category": entry.category_id,
        "slug": entry.slug,
        "order": 1,
        "published": "on",
        "question_ja": entry.question_ja,
        "answer_ja": "Zoomウェビナーで開催します。",
        "question_en": entry.question_en,
        "answer_en": entry.answer_en,
    }
    response = admin_client.post(reverse("admin:faq_faqentry_change", args=[entry.pk]), data)
    assert response.status_code == 302
    assert "Zoomウェビナーで開催します。" in get_faq(admin_client, "ja").content.decode()
