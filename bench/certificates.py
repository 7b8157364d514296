"""Certificates per minute from a real Celery worker (two prefork processes over Redis), its peak memory, and the same
certificate rendered with WeasyPrint directly in one process.

The batch is the portal's own: awards.services.certificates.start_certificate_batch for a competition of N eligible
entries, one task per certificate, ending with the ZIP of the batch. Peak memory comes from /proc: the highest
resident size each worker process reached (VmHWM) and the highest sum over the worker's processes, sampled.
"""

from __future__ import annotations

import datetime
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.config import ROOT
from bench.load import stop_group
from bench.seed import Loader


def seed_certificate_competition(n: int) -> int:
    from competitions.models import Category, Competition, EntryGroup, Region
    from submissions.models import Agency, Innovation

    load = Loader()
    [region_id] = load.ids(Region, 1)
    load.copy(Region, ["id", "name", "kind"], [(region_id, "Sertifikat Kota Contoh", "city")])
    [competition_id] = load.ids(Competition, 1)
    load.copy(
        Competition,
        ["id", "name", "slug", "year", "level", "organiser", "is_public", "signatory_name", "signatory_title"],
        [
            (
                competition_id,
                "Kompetisi Inovasi Sertifikat Bench",
                "bench-certificates",
                2026,
                "province",
                "Biro Organisasi Setda Provinsi Jawa Timur",
                True,
                "Drs. Budi Santoso, M.Si.",
                "Sekretaris Daerah",
            )
        ],
    )
    [category_id] = load.ids(Category, 1)
    load.copy(Category, ["id", "competition", "name", "order"], [(category_id, competition_id, "Kesehatan", 0)])
    [group_id] = load.ids(EntryGroup, 1)
    load.copy(EntryGroup, ["id", "competition", "kind"], [(group_id, competition_id, "umum")])
    agency_ids = load.ids(Agency, n)
    load.copy(
        Agency,
        ["id", "name", "kind", "region"],
        [(pk, f"Puskesmas Sertifikat {i + 1:04d}", "puskesmas", region_id) for i, pk in enumerate(agency_ids)],
    )
    submitted = load.now - datetime.timedelta(days=60)
    load.copy(
        Innovation,
        ["id", "competition", "group", "category", "agency", "title", "status", "entry_number", "submitted_at"],
        [
            (pk, competition_id, group_id, category_id, a, f"Inovasi Sertifikat {i}", "eligible", f"C-{i}", submitted)
            for i, (pk, a) in enumerate(zip(load.ids(Innovation, n), agency_ids, strict=True), start=1)
        ],
    )
    load.finish()
    return competition_id


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Worker:
    def __init__(self, concurrency: int = 2):
        self.concurrency = concurrency
        self.proc = None
        self.peak_total_kb = 0
        self.peak_pss_kb = 0  # proportional set size: pages shared by the prefork processes counted once
        self.peak_process_kb = {}
        self.log_path = ROOT / "bench" / "results" / "celery.log"
        self.name = f"bench-{os.getpid()}@{socket.gethostname()}"

    def start(self):
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - open for the worker's lifetime
        self.proc = subprocess.Popen(
            [
                *[sys.executable, "-m", "celery", "-A", "kovablik", "worker", "--loglevel=warning"],
                *[f"--concurrency={self.concurrency}", "--pool=prefork", "--without-gossip", "--without-mingle"],
                *["--without-heartbeat", "-n", self.name],
            ],
            cwd=ROOT,
            env={**os.environ, "DATABASE_CONN_MAX_AGE": "60"},
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def processes(self) -> list[int]:
        return [self.proc.pid, *_children(self.proc.pid)]

    def sample(self):
        total = 0
        pss = 0
        for pid in self.processes():
            total += _status_kb(pid, "VmRSS")
            pss += _pss_kb(pid)
            self.peak_process_kb[pid] = max(self.peak_process_kb.get(pid, 0), _status_kb(pid, "VmHWM"))
        self.peak_total_kb = max(self.peak_total_kb, total)
        self.peak_pss_kb = max(self.peak_pss_kb, pss)

    def stop(self):
        if self.proc:
            if self.proc.poll() is None:
                self.sample()
            stop_group(self.proc)
            self._log.close()


def _wait_until_ready(app, worker, timeout: float = 60):
    """Start the clock when the worker answers, as a production worker that is already running would.

    Its start-up (Django, and the PDF renderer it loads before forking its pool) is not certificate work.
    """
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and worker.proc.poll() is None:
        if app.control.ping(destination=[worker.name], timeout=0.2):
            return
    raise RuntimeError(f"the Celery worker did not answer within {timeout} s; see {worker.log_path}")


def _flush_broker():
    import redis

    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()


def run(*, n: int = 200, time_limit: int = 120, direct_runs: int = 8) -> dict:
    try:
        from awards.services.certificates import render_certificate_pdf, start_certificate_batch
    except ImportError:
        return {"missing": "certificate batch (awards.services.certificates) not built"}
    from django.contrib.auth import get_user_model

    from awards.models import Certificate, GenerationJob
    from competitions.models import Competition
    from kovablik.celery import app

    app.conf.task_always_eager = False
    competition_id = seed_certificate_competition(n)
    competition = Competition.objects.get(pk=competition_id)
    actor = get_user_model().objects.filter(is_active=True).order_by("pk").first()
    _flush_broker()

    worker = Worker(concurrency=2).start()
    try:
        _wait_until_ready(app, worker)
        worker.sample()
        idle_kb, idle_pss_kb = worker.peak_total_kb, worker.peak_pss_kb
        started = time.perf_counter()
        job = start_certificate_batch(competition=competition, actor=actor)
        deadline = started + time_limit
        status = job.status
        while time.perf_counter() < deadline:
            worker.sample()
            job.refresh_from_db()
            status = job.status
            if status in ("done", "failed"):
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        job.refresh_from_db()
        worker.sample()
    finally:
        worker.stop()
    made = Certificate.objects.filter(competition=competition).exclude(file="").count()

    # The same certificate rendered in this one process, with WeasyPrint warmed up first.
    certificate = Certificate.objects.filter(competition=competition).order_by("pk").first()
    direct = []
    if certificate is not None:
        render_certificate_pdf(certificate)
        for _ in range(direct_runs):
            t = time.perf_counter()
            render_certificate_pdf(certificate)
            direct.append(time.perf_counter() - t)
    direct_s = statistics.median(direct) if direct else None
    per_process_mb = {str(pid): round(kb / 1024, 1) for pid, kb in worker.peak_process_kb.items()}
    return {
        "certificates": made,
        "job_status": job.status,
        "job_total": job.total,
        "job_done": job.done,
        "seconds": round(elapsed, 1),
        "certificates_per_minute": round(made / elapsed * 60, 1) if elapsed else None,
        "worker_processes": worker.concurrency,
        "worker_peak_memory_mb": round(worker.peak_total_kb / 1024, 1),
        "worker_peak_pss_mb": round(worker.peak_pss_kb / 1024, 1),
        "worker_idle_memory_mb": round(idle_kb / 1024, 1),  # resident: pages shared by the processes count twice
        "worker_idle_pss_mb": round(idle_pss_kb / 1024, 1),
        "worker_peak_per_process_mb": per_process_mb,
        "direct_seconds_per_certificate": round(direct_s, 4) if direct_s else None,
        "direct_certificates_per_minute": round(60 / direct_s, 1) if direct_s else None,
        "direct_runs": len(direct),
        "generation_job_id": GenerationJob.objects.filter(pk=job.pk).values_list("pk", flat=True).first(),
        "note": "the worker figure includes the batch's ZIP and every database round trip; time bounded",
    }
