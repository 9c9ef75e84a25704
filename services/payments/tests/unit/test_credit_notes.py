"""Credit notes (avoirs): one states the order's current difference; a changed one is replaced."""

from payments.domain.credit_notes import CreditNote, CreditNoteRevision, revise_credit_note


def test_a_difference_with_no_note_in_force_issues_a_note_for_it():
    assert revise_credit_note(None, 500) == CreditNoteRevision(cancel=None, issue_cents=500)
    assert revise_credit_note(None, -300) == CreditNoteRevision(cancel=None, issue_cents=-300)


def test_no_difference_and_no_note_does_nothing():
    assert revise_credit_note(None, 0) == CreditNoteRevision(cancel=None, issue_cents=0)


def test_the_same_difference_keeps_the_note_in_force_and_its_number():
    note = CreditNote(4, 500)
    assert revise_credit_note(note, 500) == CreditNoteRevision(None, 0, kept=note)


def test_another_difference_cancels_the_note_in_force_and_issues_a_new_one():
    note = CreditNote(4, 500)
    assert revise_credit_note(note, 200) == CreditNoteRevision(cancel=note, issue_cents=200)
    assert revise_credit_note(note, -500) == CreditNoteRevision(cancel=note, issue_cents=-500)


def test_no_difference_any_more_cancels_the_note_in_force_and_issues_none():
    note = CreditNote(4, 500)
    assert revise_credit_note(note, 0) == CreditNoteRevision(cancel=note, issue_cents=0)
