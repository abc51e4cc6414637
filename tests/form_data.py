"""POST data for the public forms as a person's browser sends it: the robot trap left empty
and the form-render stamp signed for a moment in the past, so the submission is not taken for
a robot's (signatures.forms.HumanCheckMixin). Tests that POST a public form use this, directly
or through tests.factories.sign_form_data."""

import time

from signatures.forms import STAMP_FIELD, TRAP_FIELD, render_stamp


def as_person(data: dict, *, seconds_ago: float = 60) -> dict:
    return {**data, TRAP_FIELD: "", STAMP_FIELD: render_stamp(time.time() - seconds_ago)}
