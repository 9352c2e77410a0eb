"""What each kind of programme is: its usual interval, what a result records, the categories a result can take and
the screening questions the member of staff answers through the recall link. One table, read by the services
(to check a result), the forms (to ask for it) and the pages (to show it).

The questions follow the HSE's guidance for each kind of surveillance (skin: the yearly wet work questionnaire;
respiratory: the symptoms questionnaire before spirometry; noise: before audiometry; HAVS: the tier 1 and 2
questionnaire; night workers: the health assessment the Working Time Regulations require).
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import Programme, ProgrammeKind, Recording


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    hint: str = ""


@dataclass(frozen=True)
class KindSpec:
    recording: str
    interval_months: int
    categories: tuple[str, ...]  # for a category or questionnaire programme: the finding recorded
    category_label: str
    questions: tuple[Question, ...]


GENERAL = (
    Question("symptoms", "Have you had any symptoms you think may be caused by your work?"),
    Question("health_change", "Has your health changed since your last check?"),
)

KINDS: dict[str, KindSpec] = {
    ProgrammeKind.SKIN: KindSpec(
        Recording.QUESTIONNAIRE,
        12,
        ("Healthy skin", "Early skin changes", "Dermatitis suspected"),
        "Skin check",
        (
            Question(
                "wet_work",
                "Are your hands wet for more than 2 hours a shift, or do you wash them more than 20 times a shift?",
            ),
            Question("gloves", "Do you wear gloves for more than 2 hours a shift?", "Say which kind if you know"),
            Question(
                "skin_symptoms",
                "In the last 12 months, have you had redness, itching, dryness, cracking or blisters on your hands "
                "or wrists?",
            ),
            Question("better_off_work", "If so, did it get better on days off or on holiday?"),
        ),
    ),
    ProgrammeKind.RESPIRATORY: KindSpec(
        Recording.TEST_VALUES,
        12,
        (),
        "",
        (
            Question("cough", "Do you cough at work, or after work, more than you used to?"),
            Question("wheeze", "Have you been wheezy or short of breath at or after work?"),
            Question("chest_tight", "Does your chest feel tight at work?"),
            Question("better_off_work", "Are these better on days off or on holiday?"),
        ),
    ),
    ProgrammeKind.NOISE: KindSpec(
        Recording.CATEGORY,
        12,
        (
            "Category 1: acceptable hearing",
            "Category 2: mild hearing impairment",
            "Category 3: poor hearing",
            "Category 4: rapid hearing loss",
        ),
        "Audiogram category (HSE)",
        (
            Question("hearing", "Do you have any difficulty hearing, for example conversations in a noisy place?"),
            Question("tinnitus", "Do you have ringing or buzzing in your ears?"),
            Question("protection", "Is there any time you cannot wear the hearing protection you are given?"),
        ),
    ),
    ProgrammeKind.HAVS: KindSpec(
        Recording.CATEGORY,
        12,
        ("No signs of HAVS", "Stage 1: mild", "Stage 2: moderate", "Stage 3: severe"),
        "Stockholm stage",
        (
            Question("tingling", "Do you have tingling or numbness in your fingers that lasts more than 20 minutes?"),
            Question("blanching", "Have any of your fingers gone white in the cold?"),
            Question("grip", "Have you had difficulty with grip, or picking up small objects?"),
            Question("tools", "Do you use vibrating tools for more than an hour a day?", "Say which tools"),
        ),
    ),
    ProgrammeKind.NIGHT_WORKERS: KindSpec(
        Recording.QUESTIONNAIRE,
        12,
        ("No concerns", "Concerns discussed with the employee"),
        "Health assessment",
        (
            Question("sleep", "Do you have trouble sleeping during the day after night shifts?"),
            Question(
                "conditions",
                "Do you have a health condition that night work might affect?",
                "For example diabetes, epilepsy, a heart or stomach condition",
            ),
            Question("medication", "Do you take medication at set times of day?"),
        ),
    ),
    ProgrammeKind.CUSTOM: KindSpec(Recording.QUESTIONNAIRE, 12, (), "Finding", GENERAL),
}


def spec_for(programme: Programme) -> KindSpec:
    return KINDS[programme.kind]


def categories_of(programme: Programme) -> list[str]:
    """The categories a result of this programme can take: the kind's, or for a programme the OH service
    defines, its own list."""
    if programme.kind == ProgrammeKind.CUSTOM:
        return [line.strip() for line in programme.categories.splitlines() if line.strip()]
    return list(spec_for(programme).categories)


def category_label(programme: Programme) -> str:
    return spec_for(programme).category_label or "Category"


def questions_of(programme: Programme) -> tuple[Question, ...]:
    return spec_for(programme).questions


def records_category(programme: Programme) -> bool:
    return bool(categories_of(programme)) and programme.recording != Recording.TEST_VALUES


def records_spirometry(programme: Programme) -> bool:
    return programme.kind == ProgrammeKind.RESPIRATORY


def records_test_values_text(programme: Programme) -> bool:
    """A programme the OH service defines that records test values: they are written as text."""
    return programme.kind == ProgrammeKind.CUSTOM and programme.recording == Recording.TEST_VALUES
