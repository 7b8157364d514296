import io

import pytest
from django.core.management import CommandError, call_command

from awards.models import Certificate, GenerationJob


def test_generate_certificates_command_runs_the_batch(competition, eligible, run_on_commit):
    out = io.StringIO()

    run_on_commit(call_command, "generate_certificates", competition.slug, stdout=out)
    run_on_commit(call_command, "generate_certificates", competition.slug, stdout=out)

    assert Certificate.objects.count() == 1
    assert Certificate.objects.get().file
    assert list(GenerationJob.objects.values_list("status", flat=True)) == ["done", "done"]
    assert out.getvalue().count("job ") == 2


def test_generate_certificates_unknown_competition(db):
    with pytest.raises(CommandError):
        call_command("generate_certificates", "tidak-ada")
