"""The sessions cache keeps the jobs used last (found by mutation testing): a read or a new put makes a
job the newest, so the rows the cursor is on and beside are the last to go."""

from __future__ import annotations

from datetime import datetime, timezone

from vbotui.api.models import Job, JobSession
from vbotui.ui.sessions_cache import KEEP, SessionsCache


def job(job_id: str, status: str | None = "Success") -> Job:
    return Job(id=job_id, name=f"job {job_id}", last_status=status)


def sessions(session_id: str) -> list[JobSession]:
    return [JobSession(id=session_id, creation_time=datetime(2026, 1, 1, tzinfo=timezone.utc))]


def kept(cache: SessionsCache, *ids: str) -> list[str]:
    return [job_id for job_id in ids if job(job_id) in cache]


def test_a_job_read_is_kept_over_one_not_read_since() -> None:
    cache = SessionsCache(keep=2)
    cache.put(job("a"), sessions("sa"))
    cache.put(job("b"), sessions("sb"))
    assert cache.get(job("a")) == sessions("sa")  # a is now the newest: b is the oldest
    cache.put(job("c"), sessions("sc"))
    assert kept(cache, "a", "b", "c") == ["a", "c"]


def test_a_job_asked_about_is_kept_over_one_not_asked_about() -> None:
    cache = SessionsCache(keep=2)
    cache.put(job("a"), sessions("sa"))
    cache.put(job("b"), sessions("sb"))
    assert job("a") in cache
    cache.put(job("c"), sessions("sc"))
    assert kept(cache, "a", "b", "c") == ["a", "c"]


def test_a_job_put_again_is_the_newest_with_its_new_sessions() -> None:
    cache = SessionsCache(keep=2)
    cache.put(job("a"), sessions("old"))
    cache.put(job("b"), sessions("sb"))
    cache.put(job("a"), sessions("new"))
    cache.put(job("c"), sessions("sc"))
    assert kept(cache, "a", "b", "c") == ["a", "c"]
    assert cache.get(job("a")) == sessions("new")


def test_a_job_changed_and_put_again_is_kept_as_it_is_now() -> None:
    cache = SessionsCache(keep=2)
    cache.put(job("a", "Success"), sessions("before"))
    cache.put(job("a", "Failed"), sessions("after"))
    assert cache.get(job("a", "Success")) is None
    assert cache.get(job("a", "Failed")) == sessions("after")


def test_a_job_never_run_is_kept_and_running_is_known_in_any_case() -> None:
    cache = SessionsCache()
    cache.put(job("new", None), sessions("none"))
    assert cache.get(job("new", None)) == sessions("none")
    for status in ("running", "RUNNING", "Running"):
        cache.put(job("r", status), sessions("s"))
        assert job("r", status) not in cache


def test_the_default_cache_keeps_the_last_keep_jobs() -> None:
    cache = SessionsCache()
    ids = [str(n) for n in range(KEEP + 1)]
    for job_id in ids:
        cache.put(job(job_id), sessions(f"s{job_id}"))
    assert kept(cache, *ids) == ids[1:]
