"""The deadline surge: many agencies submitting at once, each uploading a 1 MB PDF and then submitting the form.

A competition whose submission window is open gets a draft per agency (one agency member each, a session in the
database). Each client is a wrk process with one connection, going through its entries one after another (upload,
then submit) as a person in a hurry would, and ended as soon as its last answer is in. The load script reports every
request's latency, so the percentiles cover every request, however slow. Errors: each request without an answer or
with HTTP >= 400, plus each entry that did not end up submitted with its attachment in the database without one.
"""

from __future__ import annotations

import datetime
import json
import math
import secrets
import signal
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.load import LUA, ensure_wrk, fetch, login_cookie
from bench.seed import ANSWER_TEXT, Loader, seed_entry_form

PDF_BYTES = 1_048_576
BOUNDARY = "----kovablikbench7f3a9c"


def one_megabyte_pdf() -> bytes:
    """A valid one-page PDF of exactly 1 MiB, with a fixed-width marker the load script makes unique per upload."""
    filler_line = b"% " + b"Kovablik bench filler " * 3 + b"\n"
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n% BENCHID-0000000\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
    ]

    def build(padding: int) -> bytes:
        stream = b"BT /F1 12 Tf 72 770 Td (Proposal) Tj ET\n" + filler_line * padding
        body = head
        offsets = []
        for number, obj in enumerate([*objects, None], start=1):
            offsets.append(len(body))
            if obj is None:
                obj = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
            body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
        xref = len(body)
        body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
        body += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return body

    small = build(0)
    padding = (PDF_BYTES - len(small)) // len(filler_line)
    pdf = build(padding)
    # Top up to the exact size with a comment after the header (offsets are recomputed by build()).
    short = PDF_BYTES - len(pdf)
    if short >= 2:
        head += b"%" + b"x" * (short - 2) + b"\n"
        pdf = build(padding)
    return pdf


def seed_surge(n: int, tag: str = "") -> dict:
    """A competition with an open submission window and n + 1 drafts from n + 1 agencies (one for the pre-check)."""
    from django.contrib.auth import get_user_model

    from competitions.models import AttachmentRequirement, Competition, Region, Stage
    from submissions.models import Agency, AgencyMembership, Innovation

    load = Loader()
    now = load.now
    User = get_user_model()
    [region_id] = load.ids(Region, 1)
    load.copy(Region, ["id", "name", "kind"], [(region_id, f"Surge Kota Contoh{tag}", "city")])
    [competition_id] = load.ids(Competition, 1)
    load.copy(
        Competition,
        ["id", "name", "slug", "year", "level", "organiser", "is_public"],
        [(competition_id, f"Lonjakan Tenggat Bench{tag}", f"bench-surge{tag}", 2026, "national", "KemenPAN-RB", True)],
    )
    category_ids, group_id, question_ids = seed_entry_form(
        load, competition_id, entry_cap=3, first_question_required=True
    )
    [stage_id] = load.ids(Stage, 1)
    load.copy(
        Stage,
        ["id", "competition", "order", "kind", "name", "opens_at", "closes_at"],
        [
            (
                stage_id,
                competition_id,
                1,
                "submission",
                "Pendaftaran",
                now - datetime.timedelta(days=30),
                now + datetime.timedelta(days=1),
            )
        ],
    )
    [requirement_id] = load.ids(AttachmentRequirement, 1)
    load.copy(
        AttachmentRequirement,
        ["id", "competition", "code", "name", "allowed", "max_size_mb", "required", "max_files", "order"],
        [(requirement_id, competition_id, "proposal", "Proposal lengkap (PDF)", "pdf", 5, True, 1, 1)],
    )
    count = n + 1
    user_ids = load.ids(User, count)
    from django.contrib.auth.hashers import make_password

    from bench.seed import BENCH_PASSWORD

    password = make_password(BENCH_PASSWORD)
    load.copy(
        User,
        ["id", "username", "password", "email", "is_active", "is_staff", "is_superuser", "date_joined"],
        [
            (pk, f"surge{tag}_{i:05d}", password, f"surge{i}@bench.go.id", True, False, False, now)
            for i, pk in enumerate(user_ids)
        ],
    )
    agency_ids = load.ids(Agency, count)
    load.copy(
        Agency,
        ["id", "name", "kind", "region", "email"],
        [
            (pk, f"Surge Unit{tag} {i:05d}", "opd", region_id, f"surge{i}@bench.go.id")
            for i, pk in enumerate(agency_ids)
        ],
    )
    load.copy(
        AgencyMembership,
        ["id", "agency", "user", "is_contact"],
        [(m, a, u, True) for m, a, u in zip(load.ids(AgencyMembership, count), agency_ids, user_ids, strict=True)],
    )
    innovation_ids = load.ids(Innovation, count)
    words = ["Sigap", "Layanan", "Desa", "Sehat", "Cerdas", "Terpadu", "Keliling", "Digital", "Ramah", "Cepat"]
    load.copy(
        Innovation,
        ["id", "competition", "group", "category", "agency", "title", "start_date", "status", "created_by"],
        [
            (
                pk,
                competition_id,
                group_id,
                category_ids[i % len(category_ids)],
                agency_ids[i],
                f"{words[i % 10]} {words[(i // 10) % 10]} {words[(i // 100) % 10]} nomor {i}",
                datetime.date(2020, 1, 6),
                "draft",
                user_ids[i],
            )
            for i, pk in enumerate(innovation_ids)
        ],
    )
    load.finish()
    return {
        "competition_id": competition_id,
        "requirement_id": requirement_id,
        "question_ids": question_ids,
        "category_ids": category_ids,
        "user_ids": user_ids,
        "innovation_ids": innovation_ids,
    }


def _form_body(innovation_id: int, title: str, category_id: int, question_ids, csrf: str) -> str:
    fields = {
        "csrfmiddlewaretoken": csrf,
        "title": title,
        "category": category_id,
        "start_date": "2020-01-06",
        "innovator": "Tim inovasi",
        "contact_name": "Petugas layanan",
        "contact_phone": "081234567890",
        "contact_email": f"kontak{innovation_id}@bench.go.id",
        "video_url": "",
        "declaration": "on",
        "action": "submit",
    }
    for question_id in question_ids:
        fields[f"answer_{question_id}"] = ANSWER_TEXT.strip()
    return urlencode(fields)


def _upload_prefix(requirement_id: int, csrf: str) -> str:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="requirement"\r\n\r\n{requirement_id}\r\n',
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="proposal.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n",
    ]
    return "".join(parts)


def run(base: str, workdir: Path, *, n: int = 500, clients: int = 20, time_limit: int = 400, tag: str = "") -> dict:
    """Seed, pre-check one full submission by hand, then the surge of n with wrk; verified in the database."""
    from django.urls import NoReverseMatch, reverse

    from submissions.eligibility import submission_problems
    from submissions.models import Attachment, Innovation

    try:
        reverse("submissions:upload", kwargs={"pk": 1})
        reverse("submissions:edit", kwargs={"pk": 1})
    except NoReverseMatch:
        return {"missing": "the agency's upload and submit pages are not built"}

    started = time.perf_counter()
    data = seed_surge(n, tag)
    pdf = one_megabyte_pdf()
    template = workdir / "surge-template.pdf"
    template.write_bytes(pdf)
    csrf = secrets.token_hex(16)  # 32 characters: Django accepts the unmasked secret as the form token
    titles = dict(Innovation.objects.filter(pk__in=data["innovation_ids"]).values_list("pk", "title"))
    rows = []
    for i, (innovation_id, user_id) in enumerate(zip(data["innovation_ids"], data["user_ids"], strict=True)):
        cookie = login_cookie(user_id, csrf_secret=csrf)
        rows.append(
            (
                innovation_id,
                reverse("submissions:upload", kwargs={"pk": innovation_id}),
                reverse("submissions:edit", kwargs={"pk": innovation_id}),
                cookie,
                _upload_prefix(data["requirement_id"], csrf),
                _form_body(
                    innovation_id,
                    titles[innovation_id],
                    data["category_ids"][i % len(data["category_ids"])],
                    data["question_ids"],
                    csrf,
                ),
            )
        )
    seeded_s = time.perf_counter() - started

    # The pre-check: the last draft goes through by plain HTTP, so a broken flow is reported, not loaded.
    check_id, up, sub, cookie, prefix, body = rows.pop()
    marked = pdf.replace(b"BENCHID-0000000", b"BENCHID-9999999", 1)
    upload = prefix.encode() + marked + f"\r\n--{BOUNDARY}--\r\n".encode()
    up_status, _ = fetch(
        base + up, cookie=cookie, data=upload, content_type=f"multipart/form-data; boundary={BOUNDARY}"
    )
    sub_status, _ = fetch(
        base + sub, cookie=cookie, data=body.encode(), content_type="application/x-www-form-urlencoded"
    )
    check = Innovation.objects.get(pk=check_id)
    precheck = {"upload_status": up_status, "submit_status": sub_status, "status_after": check.status}
    if check.status != "submitted":
        return {"error": "one submission by hand did not go through: surge not run", "precheck": precheck}

    manifest = workdir / "surge-manifest.tsv"
    with manifest.open("w") as out:
        for index, (_pk, up, sub, cookie, prefix, body) in enumerate(rows):
            escaped = prefix.replace("\r\n", "\\r\\n")
            out.write(f"{index % clients}\t{up}\t{sub}\t{cookie}\t{escaped}\t{body}\n")
    surge_started = time.perf_counter()
    outputs = _run_clients(base, manifest, template, clients, time_limit)
    wall = time.perf_counter() - surge_started
    stopped_by_time = any(not out.finished for out in outputs)
    if stopped_by_time:
        time.sleep(5)  # requests cut off by wrk's time bound may still be finishing in gunicorn
    if not any(out.summary for out in outputs):
        return {"error": "wrk printed no result", "output": "".join(outputs[0].lines)[-2000:]}

    # Each client's entries are the manifest rows index % clients == client, in order.
    requests = []  # (row index, kind, status, latency in microseconds)
    for client, out in enumerate(outputs):
        for entry, kind, status, micros in out.requests:
            requests.append((client + (entry - 1) * clients, kind, status, micros))
    ids = [r[0] for r in rows]
    submitted = set(Innovation.objects.filter(pk__in=ids, status="submitted").values_list("pk", flat=True))
    attached = set(Attachment.objects.filter(innovation_id__in=ids).values_list("innovation_id", flat=True))
    unsubmitted = list(Innovation.objects.filter(pk__in=ids).exclude(status="submitted")[:5])
    reasons = sorted({str(problem.message) for i in unsubmitted for problem in submission_problems(i)})

    answers: dict[int, dict[str, int]] = {}
    for index, kind, status, _micros in requests:
        answers.setdefault(index, {})[kind] = status
    failed_requests = sum(1 for _i, _k, status, _m in requests if not 0 < status < 400)
    # An entry whose two requests were answered without error yet is not submitted with its PDF failed silently
    # (a form answered with its errors, say): one error. A failed request is one error, whatever follows from it.
    silent = sum(
        1
        for index, got in answers.items()
        if all(0 < got.get(kind, 0) < 400 for kind in "us") and not (ids[index] in submitted and ids[index] in attached)
    )
    statuses: dict[str, int] = {}
    for _i, _k, status, _m in requests:
        key = str(status) if status else "no answer"
        statuses[key] = statuses.get(key, 0) + 1
    wrk_errors: dict[str, int] = {}
    for out in outputs:
        for key, value in (out.summary or {}).get("errors", {}).items():
            wrk_errors[key] = wrk_errors.get(key, 0) + value
    everything = latency_figures([m for _i, _k, _s, m in requests])
    return {
        "submissions": len(rows),
        "clients": clients,
        "pdf_bytes": len(pdf),
        "requests": len(requests),
        "requests_ok": len(requests) - failed_requests,
        "statuses": statuses,
        "wrk_errors": wrk_errors,
        "submitted_in_db": len(submitted),
        "with_attachment_in_db": len(attached),
        # Errors: each request that got no answer or an HTTP error, plus each entry that failed without one.
        "errors": failed_requests + silent,
        "failed_requests": failed_requests,
        "entries_failed_silently": silent,
        "unfinished_at_time_bound": sum(1 for index in range(len(rows)) if "s" not in answers.get(index, {})),
        **everything,
        "requests_over_1s": sum(1 for _i, _k, _s, m in requests if m > 1_000_000),
        "uploads": latency_figures([m for _i, k, _s, m in requests if k == "u"]),
        "submits": latency_figures([m for _i, k, _s, m in requests if k == "s"]),
        "wall_seconds": round(wall, 1),
        "submissions_per_second": round(len(submitted) / wall, 1) if wall else None,
        "seed_seconds": round(seeded_s, 1),
        "precheck": precheck,
        "why_not_submitted": reasons,
        "stopped_by_time_bound": stopped_by_time,
        "time_bound_seconds": time_limit,
        "note": "latency percentiles are over every request sent (uploads and submits, 2 per submission), "
        "measured by the load script, including requests that failed or were still waiting at the end",
    }


def latency_figures(micros: list[int]) -> dict:
    """p50/p95/p99/max/mean in milliseconds of every latency given (nearest-rank percentiles)."""
    if not micros:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
    ordered = sorted(micros)

    def rank(p: float) -> float:
        return round(ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] / 1000, 1)

    return {
        "p50_ms": rank(50),
        "p95_ms": rank(95),
        "p99_ms": rank(99),
        "max_ms": round(ordered[-1] / 1000, 1),
        "mean_ms": round(sum(ordered) / len(ordered) / 1000, 1),
    }


class _ClientOutput:
    """What one client's wrk printed: its requests (entry, kind, status, microseconds), summary, whether it ended."""

    def __init__(self):
        self.lines: list[str] = []
        self.requests: list[tuple[int, str, int, int]] = []
        self.summary: dict | None = None
        self.finished = False


def _run_clients(base: str, manifest: Path, template: Path, clients: int, time_limit: int) -> list[_ClientOutput]:
    """One wrk process per client (-t 1 -c 1), each ended as soon as its last answer is in.

    A single wrk with one thread per client cannot be used: after each answer wrk opens the next connection (the
    sync workers close every one), so a client that has finished leaves a connection open with nothing to send, and
    a sync worker that accepts it waits in recv() until wrk exits, that is until the last client has finished: with
    5 workers, 5 finished clients stalled the rest until gunicorn's 120 s worker timeout killed the workers. A client
    that is done goes away, here as in life. wrk's --timeout is set past the time bound, so it neither drops slow
    requests from its figures nor counts them; the script reports every request's latency itself.
    """
    outputs = [_ClientOutput() for _ in range(clients)]
    procs = []
    for client in range(clients):
        command = [ensure_wrk(), "-t", "1", "-c", "1", "-d", f"{time_limit}s", "--timeout", f"{time_limit + 60}s"]
        command += ["-s", str(LUA / "surge.lua"), base, "--", str(manifest), str(template), BOUNDARY, str(client)]
        procs.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True))

    def read(proc, out: _ClientOutput):
        for line in proc.stdout:
            out.lines.append(line)
            if line.startswith("BENCH_REQ "):
                entry, kind, status, micros = line.split()[1:]
                out.requests.append((int(entry), kind, int(status), int(micros)))
            elif line.startswith("BENCH_THREAD_DONE"):
                out.finished = True
                proc.send_signal(signal.SIGINT)  # wrk then prints its summary, runs done() and exits
            elif line.startswith("BENCH_JSON "):
                out.summary = json.loads(line.removeprefix("BENCH_JSON "))

    readers = [threading.Thread(target=read, args=pair, daemon=True) for pair in zip(procs, outputs, strict=True)]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + time_limit + 60
    for proc, reader in zip(procs, readers, strict=True):
        try:
            proc.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        reader.join(timeout=10)
    return outputs
