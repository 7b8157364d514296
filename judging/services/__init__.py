"""State changes of judging. Each function is keyword-only, takes actor=, runs atomically and lists its effects.

A package (sheets, panels and assignment, rubrics, mail); everything is importable from `judging.services`.
"""

from judging.services.panels import (
    EXCLUSION_LABELS,
    AssignmentResult,
    Shortfall,
    add_panel_member,
    assign_manually,
    auto_assign,
    declare_conflict,
    release_assignment,
    send_invitation,
    send_reminder,
    send_reminders,
    withdraw_judge,
)
from judging.services.rubrics import NATIONAL_2023_PROPOSAL, apply_preset, copy_rubric, rubric_locked, save_rubric
from judging.services.sheets import (
    SheetLocked,
    StaleSheet,
    parse_score,
    reopen_sheet,
    save_sheet,
    send_reopen_notice,
    sheet_for,
    submit_sheet,
)

__all__ = [
    "EXCLUSION_LABELS",
    "NATIONAL_2023_PROPOSAL",
    "AssignmentResult",
    "SheetLocked",
    "Shortfall",
    "StaleSheet",
    "add_panel_member",
    "apply_preset",
    "assign_manually",
    "auto_assign",
    "copy_rubric",
    "declare_conflict",
    "parse_score",
    "release_assignment",
    "reopen_sheet",
    "rubric_locked",
    "save_rubric",
    "save_sheet",
    "send_invitation",
    "send_reminder",
    "send_reminders",
    "send_reopen_notice",
    "sheet_for",
    "submit_sheet",
    "withdraw_judge",
]
